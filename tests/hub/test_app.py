"""The composition root refuses configurations it cannot run correctly."""

import pytest

from hub.components.deadlines.engine import NAME as DEADLINES
from hub.compose.app import create_app
from hub.runtime.component import Component


async def _handle(_event):
    return None


def test_an_extra_component_may_not_take_a_built_in_name(hub_settings):
    # One name is one consumer group and one state table: two components of one name in one
    # hub would share both (two instances of the hub share them by partition, each its own).
    with pytest.raises(ValueError, match=f"components named {DEADLINES} more than once"):
        create_app(hub_settings, extra=[Component(DEADLINES, _handle)])


def test_it_may_once_the_built_in_one_is_switched_off(hub_settings):
    settings = hub_settings.model_copy(update={"deadlines": False})
    app = create_app(settings, extra=[Component(DEADLINES, _handle)])
    assert app.state.settings.deadlines is False
