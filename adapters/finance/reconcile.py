"""The reconciliation of a month: committed vs posted vs paid, per case and in total.

From the finance component's stores (read from its changelog, every partition):

- **committed**: what the measures' commitments make due for the month (``model.payments``,
  the month paid for, as the month-end run takes it);
- **posted**: what the month-end run posted for it (``PaymentScheduled``, in the ledger);
- **paid**: what the finance system has booked of it (its postings back, ``PostingBooked``).

A refused payment is committed, not posted; a posting the system has not booked yet is
posted, not paid. Amounts in øre; ids and amounts only, never a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from adapters.finance.ledger import Ledger
from adapters.finance.model import dkk, payments
from adapters.finance.wiring import LEDGER, MEASURES, MeasureMoney
from contracts.base import Contract
from contracts.envelope import Event, new_event
from contracts.finance import ReconciledCase, ReconciliationReported
from hub.runtime.state import StateTable, Store, Task

__all__ = ["CaseLine", "Reconciliation", "reconcile", "reported"]

_MOST_CASES = 1000  # differing cases named in the event (the contract's limit)


@dataclass(slots=True)
class CaseLine:
    """One case's month, in øre."""

    case_id: str
    committed_ore: int = 0
    posted_ore: int = 0
    paid_ore: int = 0

    @property
    def differs(self) -> bool:
        """Committed, posted and paid are not all the same."""
        return not self.committed_ore == self.posted_ore == self.paid_ore


@dataclass(slots=True)
class Reconciliation:
    """A municipality's month: each case with anything in it, and the measures counted."""

    month: dt.date
    measures: int = 0
    cases: list[CaseLine] = field(default_factory=list)

    @property
    def committed_ore(self) -> int:
        """In total."""
        return sum(c.committed_ore for c in self.cases)

    @property
    def posted_ore(self) -> int:
        """In total."""
        return sum(c.posted_ore for c in self.cases)

    @property
    def paid_ore(self) -> int:
        """In total."""
        return sum(c.paid_ore for c in self.cases)

    @property
    def differing(self) -> list[CaseLine]:
        """The cases whose amounts differ."""
        return [c for c in self.cases if c.differs]


def reconcile(table: StateTable, tasks: Iterable[Task], month: dt.date) -> Reconciliation:
    """The month (its first day) over the measures of ``tasks``."""
    measures, ledgers = Store(table, MEASURES), Store(table, LEDGER)
    period = f"{month:%Y-%m}"
    lines: dict[str, CaseLine] = {}
    found = Reconciliation(month)
    for task in tasks:
        for measure_id, raw in measures.items(task=task):
            money = MeasureMoney.load(raw)
            due = sum(
                p.amount_ore for p in payments(money.segments, money.billing) if p.month == month
            )
            ledger = Ledger.load(ledgers.get(measure_id, task=task))
            posted, paid = ledger.posted_in(period), ledger.paid_in(period)
            if not (due or posted or paid):
                continue
            found.measures += 1
            line = lines.setdefault(money.case, CaseLine(money.case))
            line.committed_ore += due
            line.posted_ore += posted
            line.paid_ore += paid
    found.cases = sorted(lines.values(), key=lambda c: c.case_id)
    return found


def reported(
    found: Reconciliation, municipality: str, *, source: str, at: dt.datetime
) -> Event[Contract]:
    """The ``ReconciliationReported`` of a reconciliation (each report an event of its own)."""
    data = ReconciliationReported(
        month=found.month,
        reported_at=at,
        measures=found.measures,
        cases=len(found.cases),
        committed=dkk(found.committed_ore),
        posted=dkk(found.posted_ore),
        paid=dkk(found.paid_ore),
        differing=tuple(
            ReconciledCase(
                case_id=c.case_id,
                committed=dkk(c.committed_ore),
                posted=dkk(c.posted_ore),
                paid=dkk(c.paid_ore),
            )
            for c in found.differing[:_MOST_CASES]
        ),
    )
    return new_event(
        data,
        source=source,
        municipality=municipality,
        case_id=f"reconciliation-{municipality}-{found.month:%Y-%m}",
        time=at,
    )
