"""The month-end payment run: every running measure of a municipality paid once for a month.

The measures are read from the finance component's store in its changelog (every partition
of the municipality, whichever instances wrote them). Each measure with an amount in the month
(``model.payments``) becomes one payment posting whose key derives from the measure and the
month, so a second run, or a run restarted after a crash, books nothing twice: the finance
system answers the keys it has as duplicates. A refused payment is counted with its code and
the run goes on; the summary says how many were paid, recognised, refused and the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from adapters.finance.model import payments
from adapters.finance.port import FinanceSystem, Posting, PostingKind, PostingRejectedError
from adapters.finance.wiring import MEASURES, MeasureMoney
from contracts.envelope import follow_up_id
from hub.runtime.state import StateTable, Store, Task

__all__ = ["RunSummary", "due_in", "payment_key", "run_month"]


@dataclass(slots=True)
class RunSummary:
    """What a run did; counts and øre only."""

    measures: int = 0
    paid: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    total_ore: int = 0


def payment_key(municipality: str, measure_id: str, month: dt.date) -> str:
    """The posting key of a measure's payment for a month: the same on every run."""
    return follow_up_id(f"{municipality}/{measure_id}/{month:%Y-%m}", "dk.casehub.finance.payment")


def due_in(
    table: StateTable, tasks: Iterable[Task], month: dt.date
) -> list[tuple[Task, str, MeasureMoney, int]]:
    """Every (task, measure id, money, amount) with a payment for ``month`` (its first day)."""
    store = Store(table, MEASURES)
    found: list[tuple[Task, str, MeasureMoney, int]] = []
    for task in tasks:
        for measure_id, raw in store.items(task=task):
            money = MeasureMoney.load(raw)
            found.extend(
                (task, measure_id, money, payment.amount_ore)
                for payment in payments(money.segments, money.billing)
                if payment.month == month
            )
    return found


async def run_month(
    system: FinanceSystem,
    due: list[tuple[Task, str, MeasureMoney, int]],
    month: dt.date,
    *,
    today: dt.date,
    progress: Callable[[int], None] = lambda _n: None,
) -> RunSummary:
    """Post every payment in ``due`` (from ``due_in``); ``progress`` is told of each one.

    Raises:
        FinanceUnavailableError: the finance system stopped answering; run again to finish
            (what was booked is recognised by its key).

    """
    summary = RunSummary()
    for task, measure_id, money, amount in due:
        summary.measures += 1
        posting = Posting(
            key=payment_key(task.municipality, measure_id, month),
            municipality=task.municipality,
            kind=PostingKind.PAYMENT,
            account=money.account,
            cost_centre=money.cost_centre,
            period=f"{month:%Y-%m}",
            amount_ore=amount,
            reference=measure_id,
            posting_date=today,
        )
        try:
            receipt = await system.post(posting)
        except PostingRejectedError as exc:
            summary.rejected[exc.code] = summary.rejected.get(exc.code, 0) + 1
        else:
            if receipt.duplicate:
                summary.duplicates += 1
            else:
                summary.paid += 1
                summary.total_ore += amount
        progress(1)
    return summary
