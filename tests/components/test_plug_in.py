"""Adding a component is a package and one line: everything else is derived from the tuple."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest
from click.testing import CliRunner

from adapters.registry import COMPONENTS
from hub.cli.main import add_commands
from hub.cli.standins import running_standins
from hub.compose.app import built_components, create_app
from hub.compose.settings import settings_model
from routing.routes import Route, Routes, default_routes

PACKAGE = '''
"""A throw-away component: it answers a closed case with nothing, and has a stand-in."""

from contextlib import asynccontextmanager

import click
from pydantic import BaseModel
from starlette.applications import Starlette

from contracts.case import CaseClosed
from hub.runtime.component import Component, ComponentSpec, SettingsField, Standin
from hub.runtime.serve import serving

__all__ = ["COMPONENT", "EchoSettings"]


class EchoSettings(BaseModel):
    base_url: str


async def _handle(event):
    return None


def _build(settings, context):
    return Component("echo", _handle)


@asynccontextmanager
async def _standin(context):
    async with serving(Starlette()) as url:
        yield Standin("Echo service", url, None, EchoSettings(base_url=url), lambda _on: None)


@click.command()
def echo():
    """Say that the echo component is here."""
    click.echo("echo is plugged in")


COMPONENT = ComponentSpec(
    name="echo",
    consumes=(CaseClosed,),
    build=_build,
    settings=SettingsField(EchoSettings | None, None, "The echo service; absent: not run."),
    standin=_standin,
    commands=(echo,),
)
'''


@pytest.fixture
def echo(tmp_path, monkeypatch):
    package = tmp_path / "echo_component"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(PACKAGE))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("echo_component")
    yield module.COMPONENT
    sys.modules.pop("echo_component", None)


def test_the_new_component_is_routed_what_it_consumes(echo):
    registry = (*COMPONENTS, echo)  # the one line
    (route,) = [r for r in default_routes(registry) if r.consumer == "echo"]
    assert route.event_types == {"dk.casehub.case.closed"}
    routes = Routes(default_routes(registry), ["101"])
    assert routes.topics("echo") == ("casehub.101.case.v1",)
    assert routes.accepts("echo", "dk.casehub.case.closed", "101")
    assert not routes.accepts("echo", "dk.casehub.case.opened", "101")


def test_the_new_component_has_a_settings_field_and_runs_only_when_given(echo):
    settings_class = settings_model((*COMPONENTS, echo))
    schema = settings_class.model_json_schema()
    assert "echo" in schema["properties"]
    assert "echo" not in settings_model(COMPONENTS).model_json_schema()["properties"]

    async def publish(_event):
        return "nowhere"

    off = settings_class(state_dir="/tmp/unused")  # noqa: S108 - nothing is written
    assert "echo" not in {c.name for c in built_components(off, publish, (echo,))}
    on = settings_class.model_validate({"echo": {"base_url": "http://127.0.0.1:9"}})
    (built,) = built_components(on, publish, (echo,))
    assert (built.name, built.consumes) == ("echo", echo.consumes)


def test_the_new_component_reads_its_settings_from_the_environment(echo, monkeypatch):
    monkeypatch.setenv("CASEHUB_ECHO", '{"base_url": "http://127.0.0.1:9"}')
    settings = settings_model((*COMPONENTS, echo))()
    assert settings.component("echo").base_url == "http://127.0.0.1:9"


async def test_the_new_component_s_stand_in_is_served_with_the_others(echo):
    async with running_standins(("101",), (*COMPONENTS, echo)) as standins:
        assert standins["echo"].label == "Echo service"
        assert standins["echo"].settings.model_dump()["base_url"] == standins["echo"].url
        assert "CASEHUB_ECHO" in standins.environment()
        assert {"cpr", "digitalpost", "archive", "statistics", "appeals"} <= set(standins)


def test_the_new_component_s_command_is_on_the_command_line(echo):
    import click

    @click.group()
    def cli():
        """A command line built like casehub's."""

    add_commands(cli, (*COMPONENTS, echo))
    result = CliRunner().invoke(cli, ["echo"])
    assert (result.exit_code, result.output) == (0, "echo is plugged in\n")
    assert {"deadlines", "digitalpost"} <= set(cli.commands)


def test_the_composition_root_builds_and_routes_the_new_component(echo, tmp_path):
    registry = (*COMPONENTS, echo)
    settings = settings_model(registry).model_validate(
        {"echo": {"base_url": "http://127.0.0.1:9"}, "state_dir": str(tmp_path)}
    )
    app = create_app(settings, components=registry)
    subscribed = {s.group_id: tuple(s.topic_names) for s in app.state.broker.subscribers}
    assert subscribed[f"{settings.group_prefix}.echo"] == ("casehub.101.case.v1",)
    assert "echo" in {component.name for component in app.state.components}


def test_a_route_beyond_what_a_component_consumes_is_refused_at_start(hub_settings):
    wider = Route(consumer="cpr", event_types=frozenset({"dk.casehub.case.closed"}))
    with pytest.raises(ValueError, match="types it does not consume"):
        create_app(hub_settings.model_copy(update={"routes": (wider,)}))


def test_a_route_to_an_unknown_component_is_refused_at_start(hub_settings):
    stray = Route(consumer="nobody", event_types=frozenset({"dk.casehub.case.closed"}))
    with pytest.raises(ValueError, match="not a component the hub knows"):
        create_app(hub_settings.model_copy(update={"routes": (stray,)}))
