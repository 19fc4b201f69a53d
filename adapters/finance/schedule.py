"""The finance component's background work: the scheduled month-end run and the postings back.

Every tick, for each task (a municipality's partition) this instance owns now:

- **the month-end run**: from the configured day of a month on, the month's payments of
  the task's measures are posted (``run.run_month``, each published as ``PaymentScheduled``)
  unless the task's ``schedule`` store says the month is done (``run/<YYYY-MM>``, written
  and flushed after the run). The state is in Kafka and follows the partition: whoever owns
  it runs it, and a second instance, a restart or a partition moved mid-run reruns at most
  what was not marked, whose postings the finance system answers as duplicates (the keys
  derive from measure and month), never books again.
- **the postings back**: the owner of a municipality's partition 0 reads the finance
  system's bookings after its cursor (``feed`` in that task's ``schedule`` store), publishes
  each as ``PostingBooked`` (its id from the posting id: a booking read twice is one record),
  then moves the cursor on, flushed. The component consumes them into each measure's ledger.

A failure (the finance system or the broker away) is logged by its class and tried at the
next tick; a task moved away meanwhile is left to its new owner.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Final, Protocol

import structlog

from adapters.finance.model import dkk
from adapters.finance.port import BookedPosting, FinanceSystem, PostingsBack
from adapters.finance.run import due_in, run_month
from contracts.base import Contract
from contracts.envelope import Event, follow_up_id, new_event
from contracts.finance import PostingBooked, PostingBookedKind
from hub.clock.localtime import local_date
from hub.runtime.errors import TransientError
from hub.runtime.publisher import confirm_later
from hub.runtime.seams import Publish
from hub.runtime.state import StateTable, Store, Task, TaskMovedError

__all__ = ["SCHEDULE", "FinancePort", "Scheduler", "run_schedule", "today_here"]

SCHEDULE: Final = "schedule"  # run/<YYYY-MM> → the run's summary; feed → the bookings read
_FEED: Final = "feed"
_PAGES_A_TICK: Final = 20  # feed pages read in one tick: a long backlog does not starve runs

log = structlog.get_logger(__name__)


def today_here() -> dt.date:
    """Today in Denmark."""
    return local_date(dt.datetime.now(dt.UTC))


class FinancePort(FinanceSystem, PostingsBack, Protocol):
    """Both ports, as ``FinanceClient`` has them."""


class Scheduler:
    """The month-end run on its day and the postings back, for the tasks owned here."""

    def __init__(  # noqa: PLR0913 - each is a separate seam
        self,
        *,
        system: FinancePort,
        table: StateTable,
        publish: Publish,
        source: str,
        run_day: int,
        clock: Callable[[], dt.date] = today_here,
    ) -> None:
        self._system = system
        self._table = table
        self._store = Store(table, SCHEDULE)
        self._publish = publish
        self._source = source
        self._run_day = run_day
        self._clock = clock

    async def tick(self) -> None:
        """One round over the tasks owned now.

        Raises:
            TransientError: the finance system or the broker failed; tried next tick.

        """
        today = self._clock()
        for task in sorted(self._table.tasks):
            try:
                if today.day >= self._run_day:
                    await self._run(task, today.replace(day=1), today)
                if task.partition == 0:
                    await self._read_back(task)
            except TaskMovedError:
                continue  # its new owner carries on

    async def _run(self, task: Task, month: dt.date, today: dt.date) -> None:
        done = f"run/{month:%Y-%m}"
        if self._store.get(done, task=task) is not None:
            return
        due = due_in(self._table, [task], month)
        summary = await run_month(
            self._system, due, month, today=today, publish=self._publish, source=self._source
        )
        self._store.put(done, json.dumps(asdict(summary)).encode(), task=task)
        await self._store.flush()
        log.info(
            "finance_scheduled_run",
            task=str(task),
            month=f"{month:%Y-%m}",
            paid=summary.paid,
            duplicates=summary.duplicates,
            rejected=sum(summary.rejected.values()),
        )

    async def _read_back(self, task: Task) -> None:
        raw = self._store.get(_FEED, task=task)
        cursor = 0 if raw is None else int(raw)
        for _ in range(_PAGES_A_TICK):
            page = await self._system.booked_after(task.municipality, cursor)
            if not page:
                return
            pending: list[asyncio.Future[Any]] = []
            with confirm_later(pending):
                for booking in page:
                    if booking.case_reference:
                        await self._publish(self._booked(task.municipality, booking))
            try:
                await asyncio.gather(*pending)
            except Exception as exc:  # noqa: BLE001 - the page again next tick, same ids
                msg = f"a PostingBooked was not acknowledged: {type(exc).__name__}"
                raise TransientError(msg) from None
            cursor = page[-1].sequence
            self._store.put(_FEED, str(cursor).encode(), task=task)
            await self._store.flush()
            log.info("finance_postings_back", task=str(task), read=len(page), cursor=cursor)

    def _booked(self, municipality: str, booking: BookedPosting) -> Event[Contract]:
        data = PostingBooked(
            posting_id=booking.posting_id,
            posting_key=booking.key,
            measure_id=booking.reference,
            kind=PostingBookedKind(booking.kind.value),
            account=booking.account,
            month=dt.date.fromisoformat(f"{booking.period}-01"),
            amount=dkk(booking.amount_ore),
            booked_on=booking.booked_on,
        )
        return new_event(
            data,
            source=self._source,
            municipality=municipality,
            case_id=booking.case_reference,
            event_id=follow_up_id(f"{municipality}/{booking.posting_id}", data.event_type),
        )


async def run_schedule(scheduler: Scheduler, *, interval_s: float) -> None:
    """Tick every ``interval_s`` until cancelled; a failed tick is tried at the next."""
    while True:
        try:
            await scheduler.tick()
        except TransientError as exc:
            log.warning("finance_schedule_retry", error=type(exc).__name__)
        await asyncio.sleep(interval_s)
