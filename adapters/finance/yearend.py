"""The year-end price update: every approved and running measure re-rated once for a new year.

An employee with the responsibility gives a rate table for the year (a rate per measure kind).
The plan reads the finance component's stored measures (every partition of the municipality,
as the month-end run does) and makes one ``RateUpdated`` per measure that runs into the year
and whose kind has a new rate, effective from 1 January (or the measure's first day, if
later). The event's id derives from the municipality, the measure and the year, and the
component records the years it has applied, so the update changes each measure once however
often it is run: a second run finds them updated and publishes nothing for them. A measure
priced from its provider's own rate is left (counted); an open-ended one is included every
year, and the component lengthens its estimate to the end of the new year. The
component, not this plan, changes the measure: it owns the measure's state on its partition,
posts the difference and publishes the new estimates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from adapters.finance.model import dkk
from adapters.finance.settings import Rate
from adapters.finance.wiring import MEASURES, MeasureMoney
from contracts.base import Contract
from contracts.decision import MeasureKind
from contracts.envelope import Event, follow_up_id, new_event
from contracts.finance import RatePer, RateUpdated
from hub.runtime.state import StateTable, Store, Task

__all__ = ["SOURCE", "YearEndPlan", "plan_year_end", "update_id"]

SOURCE = "urn:casehub:finance:year-end"


@dataclass(slots=True)
class YearEndPlan:
    """The updates to publish and what the plan found; counts only, never a person."""

    updates: list[Event[Contract]] = field(default_factory=list)
    measures: int = 0
    running: int = 0
    already_updated: int = 0
    no_new_rate: dict[str, int] = field(default_factory=dict)
    kind_unknown: int = 0
    provider_rate: int = 0
    """Measures priced from a provider's own rate: left as they are."""


def update_id(year: int) -> str:
    """The id of a year's price update (the same for every run of it)."""
    return f"year-end-{year}"


def plan_year_end(
    table: StateTable,
    tasks: Iterable[Task],
    year: int,
    rates: Mapping[MeasureKind, Rate],
) -> YearEndPlan:
    """One ``RateUpdated`` per measure running into ``year`` with a new rate for its kind."""
    first_day = dt.date(year, 1, 1)
    store = Store(table, MEASURES)
    plan = YearEndPlan()
    for task in tasks:
        for measure_id, raw in store.items(task=task):
            plan.measures += 1
            money = MeasureMoney.load(raw)
            if not money.open_ended and max(s.end for s in money.segments) < first_day:
                continue  # ended before the year: nothing to re-rate (an open end runs on)
            plan.running += 1
            if year in money.priced_years:
                plan.already_updated += 1
                continue
            if money.provider_rate:
                plan.provider_rate += 1  # the provider's agreed price, not the kind's table
                continue
            if not money.kind:
                plan.kind_unknown += 1  # stored before the kind was kept: decided again to fix
                continue
            rate = rates.get(MeasureKind(money.kind))
            if rate is None:
                plan.no_new_rate[money.kind] = plan.no_new_rate.get(money.kind, 0) + 1
                continue
            start = min(segment.start for segment in money.segments)
            on = max(first_day, start)
            plan.updates.append(_update(task, measure_id, money, year=year, on=on, rate=rate))
    return plan


def _update(  # noqa: PLR0913 - the measure, where it lives, and its new price
    task: Task, measure_id: str, money: MeasureMoney, *, year: int, on: dt.date, rate: Rate
) -> Event[Contract]:
    data = RateUpdated(
        update_id=update_id(year),
        measure_id=measure_id,
        year=year,
        effective_from=on,
        rate=dkk(rate.rate_ore),
        per=RatePer(rate.per.value),
        hours_per_month=rate.hours_per_month,
    )
    return new_event(
        data,
        source=SOURCE,
        municipality=task.municipality,
        case_id=money.case,
        event_id=follow_up_id(f"{task.municipality}/{measure_id}/{year}", data.event_type),
    )
