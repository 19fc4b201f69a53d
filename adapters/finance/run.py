"""The month-end payment run: every running measure of a municipality paid once for a month.

The measures are read from the finance component's store (every partition of the
municipality in the command, the partitions this instance owns in the scheduled run). Each
measure with an amount in the month (``model.payments``) becomes one payment posting whose
key derives from the measure and the month, so a second run, or a run restarted after a
crash, books nothing twice: the finance system answers the keys it has as duplicates. Each
payment the system has (booked now or before) is published as ``PaymentScheduled`` (v2)
whose ``payment_id`` is the posting key and whose event id derives from it: a rerun
publishes the same record again, never another. A refused payment is counted with its code
and the run goes on; the summary says how many were paid, recognised, refused and the total.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from adapters.finance.model import dkk, payments
from adapters.finance.port import (
    FinanceSystem,
    Posting,
    PostingKind,
    PostingReceipt,
    PostingRejectedError,
)
from adapters.finance.wiring import MEASURES, MeasureMoney
from contracts.base import Contract
from contracts.envelope import Event, follow_up_id, new_event
from contracts.finance import PaymentScheduledV2
from hub.runtime.errors import TransientError
from hub.runtime.publisher import confirm_later
from hub.runtime.seams import Publish
from hub.runtime.state import StateTable, Store, Task

__all__ = ["Due", "RunSummary", "due_in", "payment_key", "run_month", "scheduled_event"]

_ACK_EVERY: Final = 500  # payments published before their acknowledgements are awaited


class Due(NamedTuple):
    """One measure's payment for the month."""

    task: Task
    measure_id: str
    money: MeasureMoney
    amount_ore: int
    due_on: dt.date


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


def due_in(table: StateTable, tasks: Iterable[Task], month: dt.date) -> list[Due]:
    """Every measure's payment for ``month`` (its first day), in the tasks given."""
    store = Store(table, MEASURES)
    found: list[Due] = []
    for task in tasks:
        for measure_id, raw in store.items(task=task):
            money = MeasureMoney.load(raw)
            found.extend(
                Due(task, measure_id, money, payment.amount_ore, payment.due_on)
                for payment in payments(money.segments, money.billing)
                if payment.month == month
            )
    return found


def scheduled_event(
    due: Due, month: dt.date, receipt: PostingReceipt, *, source: str
) -> Event[Contract]:
    """The ``PaymentScheduled`` of a booked payment: its id derives from the posting key."""
    data = PaymentScheduledV2(
        payment_id=receipt.key,
        commitment_id=follow_up_id(due.measure_id, "commitment"),
        amount=dkk(due.amount_ore),
        due_on=due.due_on,
        measure_id=due.measure_id,
        month=month,
        posting_id=receipt.posting_id,
    )
    return new_event(
        data,
        source=source,
        municipality=due.task.municipality,
        case_id=due.money.case,
        event_id=follow_up_id(receipt.key, data.event_type),
    )


async def run_month(  # noqa: PLR0913 - the system, the work, and where its results go
    system: FinanceSystem,
    due: list[Due],
    month: dt.date,
    *,
    today: dt.date,
    progress: Callable[[int], None] = lambda _n: None,
    publish: Publish | None = None,
    source: str = "urn:casehub:finance",
    booked: Callable[[Due], None] = lambda _due: None,
) -> RunSummary:
    """Post every payment in ``due`` (from ``due_in``); ``progress`` is told of each one.

    With ``publish``, each payment the system has is published as ``PaymentScheduled``; the
    run returns once the broker has acknowledged them all. ``booked`` is told of each payment
    the system has (booked now or before), before it is published.

    Raises:
        FinanceUnavailableError: the finance system stopped answering; run again to finish
            (what was booked is recognised by its key).
        TransientError: the broker did not take a ``PaymentScheduled``; run again.

    """
    summary = RunSummary()
    pending: list[asyncio.Future[Any]] = []
    for item in due:
        summary.measures += 1
        posting = Posting(
            key=payment_key(item.task.municipality, item.measure_id, month),
            municipality=item.task.municipality,
            kind=PostingKind.PAYMENT,
            account=item.money.account,
            cost_centre=item.money.cost_centre,
            period=f"{month:%Y-%m}",
            amount_ore=item.amount_ore,
            reference=item.measure_id,
            posting_date=today,
            case_reference=item.money.case,
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
                summary.total_ore += item.amount_ore
            booked(item)
            if publish is not None:
                with confirm_later(pending):
                    await publish(scheduled_event(item, month, receipt, source=source))
                if len(pending) >= _ACK_EVERY:
                    await _acknowledged(pending)
        progress(1)
    await _acknowledged(pending)
    return summary


async def _acknowledged(pending: list[asyncio.Future[Any]]) -> None:
    """Wait for the broker to acknowledge what was published; forget it."""
    waiting = list(pending)
    pending.clear()
    try:
        await asyncio.gather(*waiting)
    except Exception as exc:  # noqa: BLE001 - any failed batch: the run is run again
        msg = f"a PaymentScheduled was not acknowledged: {type(exc).__name__}"
        raise TransientError(msg) from None
