"""The Danmarks Statistik adapter as one hub component: consumes, settings, build, stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.statistics.client import StatisticsClient
from adapters.statistics.memory import STORES, Memory
from adapters.statistics.standin import StatisticsStandin
from adapters.statistics.wiring import NAME, build_statistics_reporter
from contracts.aftercare import AftercareDecided
from contracts.case import CaseOpened
from contracts.decision import CommitteeDecision, MeasureDecided
from contracts.handover import HandoverAccepted
from contracts.intake import NotificationReceived
from contracts.measures import FollowUpCompleted, MeasureChanged, MeasureEnded, MeasureStarted
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
    memory = Memory({name: context.store(name) for name in STORES})
    reporter = build_statistics_reporter(
        StatisticsClient(http), context.publish, source=context.source, memory=memory
    )
    return Component(NAME, reporter, close=http.aclose)


@asynccontextmanager
async def _standin(_context: StandinContext) -> AsyncIterator[Standin]:
    receiver = StatisticsStandin()
    async with serving(receiver.asgi()) as url:
        settings = EndpointSettings(base_url=url, timeout_s=5.0)
        yield Standin("Danmarks Statistik", url, receiver, settings, receiver.set_down)


COMPONENT: ComponentSpec[EndpointSettings] = ComponentSpec(
    name=NAME,
    consumes=(
        CaseOpened,  # the case's child, whom placement reports name
        NotificationReceived,
        MeasureDecided,
        CommitteeDecision,
        MeasureStarted,
        MeasureChanged,
        FollowUpCompleted,
        MeasureEnded,
        AftercareDecided,  # event code 6
        HandoverAccepted,  # the case's responsibility received on a move
    ),
    build=_build,
    settings=SettingsField(
        EndpointSettings | None, None, "Danmarks Statistik's receiver, as JSON; absent: not run."
    ),
    standin=_standin,
    # Measures, children, last reports, held events and supporting measures, in Kafka.
    stores=STORES,
)
