"""The case worker's view of a case's money: each measure's rate, commitment, due and expected.

Read from the finance component's stores (``cases``: a case's measures; ``measures``: each
measure's money), in whichever partition holds the case. ``due_to_date`` is the sum of the
payments due on or before the day asked about, as the month-end run posts them; ``paid`` what
the finance system has booked as paid (its postings back, in the ``ledger`` store).
Amounts are øre; the view holds ids and amounts only, never a person.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from adapters.finance.ledger import Ledger
from adapters.finance.model import commitment, cost_by_year, payments
from adapters.finance.wiring import CASES, LEDGER, MEASURES, MeasureMoney
from hub.runtime.state import StateTable, Store, Task

__all__ = ["CaseOverview", "MeasureOverview", "case_overview"]


@dataclass(frozen=True, slots=True)
class MeasureOverview:
    """One measure of the case, as of a day."""

    measure_id: str
    kind: str
    rate_ore: int
    per: str
    start: dt.date
    end: dt.date
    committed_ore: int
    due_to_date_ore: int
    expected_ore: int
    """What is still to come from the day's month on (this year and the next)."""
    paid_ore: int = 0
    """What the finance system has booked as paid (its postings back)."""


@dataclass(frozen=True, slots=True)
class CaseOverview:
    """A case's measures and their totals, as of ``today``."""

    case_id: str
    today: dt.date
    measures: tuple[MeasureOverview, ...]

    @property
    def committed_ore(self) -> int:
        """The case's whole commitment."""
        return sum(m.committed_ore for m in self.measures)

    @property
    def due_to_date_ore(self) -> int:
        """What has fallen due so far."""
        return sum(m.due_to_date_ore for m in self.measures)

    @property
    def paid_ore(self) -> int:
        """What the finance system has booked as paid."""
        return sum(m.paid_ore for m in self.measures)

    @property
    def expected_ore(self) -> int:
        """What is still expected."""
        return sum(m.expected_ore for m in self.measures)


def case_overview(
    table: StateTable, tasks: Iterable[Task], case_id: str, today: dt.date
) -> CaseOverview | None:
    """The case's overview, or None when finance has seen no measure of it."""
    cases, measures, ledgers = Store(table, CASES), Store(table, MEASURES), Store(table, LEDGER)
    for task in tasks:
        raw = cases.get(case_id, task=task)
        if raw is None:
            continue
        found = []
        for measure_id in json.loads(raw)["measures"]:
            stored = measures.get(measure_id, task=task)
            if stored is not None:
                paid = Ledger.load(ledgers.get(measure_id, task=task)).paid_ore
                found.append(_measure(measure_id, MeasureMoney.load(stored), today, paid))
        return CaseOverview(case_id, today, tuple(found))
    return None


def _measure(measure_id: str, money: MeasureMoney, today: dt.date, paid: int) -> MeasureOverview:
    segments = money.segments
    price = max(segments, key=lambda s: s.start).price  # the rate now in force, or last
    for segment in segments:
        if segment.start <= today <= segment.end:
            price = segment.price
    due = sum(p.amount_ore for p in payments(segments, money.billing) if p.due_on <= today)
    return MeasureOverview(
        measure_id=measure_id,
        kind=money.kind or "unknown",
        rate_ore=price.rate_ore,
        per=price.per.value,
        start=min(s.start for s in segments),
        end=max(s.end for s in segments),
        committed_ore=commitment(segments),
        due_to_date_ore=due,
        expected_ore=cost_by_year(segments, today).remaining,
        paid_ore=paid,
    )
