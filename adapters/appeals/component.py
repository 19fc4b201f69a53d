"""The Ankestyrelsen adapter as one hub component: consumes, settings, build and stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.appeals.client import AppealsClient
from adapters.appeals.standin import AppealsStandin
from adapters.appeals.wiring import NAME, build_appeal_forwarder
from contracts.decision import DecisionUpheld
from hub.runtime.component import (
    BuildContext,
    Component,
    ComponentSpec,
    SettingsField,
    Standin,
    StandinContext,
)
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving

__all__ = ["COMPONENT"]


def _build(settings: EndpointSettings, context: BuildContext) -> Component:
    http = settings.http_client()
    forwarder = build_appeal_forwarder(AppealsClient(http), context.publish, source=context.source)
    return Component(NAME, forwarder, close=http.aclose)


@asynccontextmanager
async def _standin(_context: StandinContext) -> AsyncIterator[Standin]:
    board = AppealsStandin()
    async with serving(board.asgi()) as url:
        settings = EndpointSettings(base_url=url, timeout_s=5.0)
        yield Standin("Ankestyrelsen", url, board, settings, board.set_down)


COMPONENT: ComponentSpec[EndpointSettings] = ComponentSpec(
    name=NAME,
    consumes=(DecisionUpheld,),
    build=_build,
    settings=SettingsField(
        EndpointSettings | None, None, "Ankestyrelsen's receiver, as JSON; absent: not run."
    ),
    standin=_standin,
)
