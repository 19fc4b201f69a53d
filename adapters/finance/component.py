"""The finance component: consumes, settings, build (its stores in Kafka) and stand-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.finance.client import FinanceClient
from adapters.finance.commands import finance
from adapters.finance.model import Per
from adapters.finance.schedule import SCHEDULE, Scheduler, run_schedule
from adapters.finance.settings import FinanceSettings, Rate
from adapters.finance.standin import FinanceStandin
from adapters.finance.wiring import NAME, STORES, build_finance
from contracts.decision import MeasureDecided, MeasureKind
from contracts.finance import PaymentScheduledV2, PostingBooked, RateUpdated
from contracts.measures import MeasureChanged, MeasureEnded
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

__all__ = ["COMPONENT", "DEMO_RATES"]

_measures, _cases, _ledger, _held = STORES

DEMO_RATES: dict[MeasureKind, Rate] = {
    kind: Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")
    for kind in MeasureKind
    if kind.value.startswith("placement")
} | {
    kind: Rate(rate_ore=45_000, per=Per.HOUR, hours_per_month=8, account="5.28.20")
    for kind in MeasureKind
    if not kind.value.startswith("placement")
}
"""The stand-in's rate table: synthetic rates, not any municipality's."""


def _build(settings: FinanceSettings, context: BuildContext) -> Component:
    http = None if settings.system is None else settings.system.http_client()
    client = None if http is None else FinanceClient(http)
    handler = build_finance(
        settings,
        context.publish,
        source=context.source,
        measures=context.store(_measures),
        cases=context.store(_cases),
        ledger=context.store(_ledger),
        held=context.store(_held),
        system=client,
    )
    background = None
    if client is not None and settings.schedule is not None:
        scheduler = Scheduler(
            system=client,
            table=context.table,
            publish=context.publish,
            source=context.source,
            run_day=settings.schedule.run_day,
            sweep=dt.timedelta(seconds=settings.schedule.sweep_s),
        )
        tick_s = settings.schedule.tick_s

        async def background() -> None:
            await run_schedule(scheduler, interval_s=tick_s)

    return Component(
        NAME, handler, close=None if http is None else http.aclose, background=background
    )


@asynccontextmanager
async def _standin(context: StandinContext) -> AsyncIterator[Standin]:
    accounts = frozenset(rate.account for rate in DEMO_RATES.values())
    system = FinanceStandin(municipalities=frozenset(context.municipalities), accounts=accounts)
    async with serving(system) as url:
        settings = FinanceSettings(
            rates=DEMO_RATES, system=EndpointSettings(base_url=url, timeout_s=5.0)
        )
        yield Standin("Finance system (FK-ØKO SF1590_A)", url, system, settings, system.set_down)


COMPONENT: ComponentSpec[FinanceSettings] = ComponentSpec(
    name=NAME,
    consumes=(
        MeasureDecided,
        MeasureChanged,
        MeasureEnded,
        RateUpdated,
        PaymentScheduledV2,
        PostingBooked,
    ),
    build=_build,
    settings=SettingsField(
        FinanceSettings | None,
        None,
        "The rate table and the finance system's FK-ØKO endpoint, as JSON; absent: not run.",
    ),
    standin=_standin,
    commands=(finance,),
    # Each measure's money and each case's measures and last estimate, in Kafka.
    stores=(*STORES, SCHEDULE),
)
