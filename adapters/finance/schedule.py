"""The finance component's background work: the scheduled month-end run and the postings back.

Every tick, for each task (a municipality's partition) this instance owns now:

- **the month-end run**: from the configured day of a month on, the month's payments of
  the task's measures that its ledger has not as posted are posted (``run.run_month``),
  each recorded in the ledger and published as ``PaymentScheduled``; then the sweep's time
  is kept (``run/<YYYY-MM>`` in the ``schedule`` store) and the month swept again only
  after ``sweep`` (so a measure decided later that month is paid too, and a refused one is
  tried again). The state is in Kafka and follows the partition: whoever owns it runs it,
  and a second instance, a restart or a partition moved mid-run posts again at most what
  was not recorded yet, which the finance system answers as a duplicate (the keys derive
  from measure and month), never books twice.
- **the postings back**: the owner of a municipality's partition 0 reads the finance
  system's bookings after its cursor (``feed`` in that task's ``schedule`` store), publishes
  each as ``PostingBooked`` (its id from the posting id: a booking read twice is one record),
  then moves the cursor on, flushed. The component consumes them into each measure's ledger.

A booking read back that cannot be published (a field of the wrong form) is logged by what is
wrong, counted and kept in the store (``refused/<sequence>``, its bytes as sent), and the
cursor moves past it: one bad booking never stops the feed. A task's failure (the finance
system or the broker away, or anything else) is logged by its class and tried at the next
tick, the other tasks go on; a task moved away meanwhile is left to its new owner; nothing a
tick raises ends the background task.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any, Final, Protocol

import structlog

from adapters.finance.ledger import ledger_of, posted
from adapters.finance.model import dkk
from adapters.finance.port import BookedPosting, FinanceSystem, PostingsBack, UnreadableBooking
from adapters.finance.run import Due, due_in, run_month
from adapters.finance.wire import bookings_xml
from adapters.finance.wiring import LEDGER
from contracts.base import Contract
from contracts.envelope import Event, follow_up_id, new_event
from contracts.finance import PostingBooked, PostingBookedKind
from hub.clock.localtime import local_date
from hub.runtime.errors import TransientError
from hub.runtime.publisher import confirm_later
from hub.runtime.seams import Publish
from hub.runtime.state import StateTable, Store, Task, TaskMovedError

__all__ = ["SCHEDULE", "FinancePort", "Scheduler", "run_schedule", "utc_now"]

SCHEDULE: Final = "schedule"  # run/<YYYY-MM> → last sweep; feed → bookings read; refused/<n>
_FEED: Final = "feed"
_PAGES_A_TICK: Final = 20  # feed pages read in one tick: a long backlog does not starve runs
_REFUSED: Final = "refused/"  # refused/<sequence> → an unreadable booking, as it came
_KEPT_BYTES: Final = 16 * 1024  # of its bytes: a state record stays far below the broker's limit

log = structlog.get_logger(__name__)


def utc_now() -> dt.datetime:
    """Now."""
    return dt.datetime.now(dt.UTC)


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
        sweep: dt.timedelta = dt.timedelta(hours=1),
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._system = system
        self._table = table
        self._store = Store(table, SCHEDULE)
        self._ledger = Store(table, LEDGER)
        self._sweep = sweep
        self._publish = publish
        self._source = source
        self._run_day = run_day
        self._clock = clock
        self.failures = 0
        """Ticks or tasks that failed other than by a system or broker away."""
        self.unreadable = 0
        """Bookings read back that could not be published (kept under ``refused/``)."""
        self._seen: set[str] = set()

    async def tick(self) -> int:
        """One round over the tasks owned now; how many tasks failed (tried next tick).

        A task's failure is logged by its class and does not stop the others: the finance
        system or the broker away (``TransientError``) at every tick, anything else (a bug)
        as an error the first time its class is seen, counted in ``failures`` always.
        """
        now = self._clock()
        today = local_date(now)
        failed = 0
        for task in sorted(self._table.tasks):
            try:
                if today.day >= self._run_day:
                    await self._run(task, today.replace(day=1), now)
                if task.partition == 0:
                    await self._read_back(task)
            except TaskMovedError:
                continue  # its new owner carries on
            except TransientError as exc:
                failed += 1
                log.warning("finance_schedule_retry", task=str(task), error=type(exc).__name__)
            except Exception as exc:  # noqa: BLE001 - one task's bug must not stop the rest
                failed += 1
                self.failure(exc, task=str(task))
        return failed

    def failure(self, exc: Exception, **context: str) -> None:
        """Count an unexpected failure; log its class the first time that class is seen.

        Never its message: that may quote a value.
        """
        self.failures += 1
        kind = type(exc).__name__
        if kind not in self._seen:
            self._seen.add(kind)
            log.error("finance_schedule_failed", error=kind, **context)

    async def _run(self, task: Task, month: dt.date, now: dt.datetime) -> None:
        done = f"run/{month:%Y-%m}"
        last = self._store.get(done, task=task)
        if last is not None and now - dt.datetime.fromisoformat(last.decode()) < self._sweep:
            return
        period = f"{month:%Y-%m}"
        due = [
            d
            for d in due_in(self._table, [task], month)
            if period not in ledger_of(self._ledger, d.measure_id, task).posted
        ]

        def booked(item: Due) -> None:
            posted(self._ledger, item.measure_id, month, item.amount_ore, task)

        summary = await run_month(
            self._system,
            due,
            month,
            today=local_date(now),
            publish=self._publish,
            source=self._source,
            booked=booked,
        )
        self._store.put(done, now.isoformat().encode(), task=task)
        await self._store.flush()
        if summary.measures:
            log.info(
                "finance_scheduled_run",
                task=str(task),
                month=period,
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
                    event = self._readable(task, booking)
                    if event is not None:
                        await self._publish(event)
            try:
                await asyncio.gather(*pending)
            except Exception as exc:  # noqa: BLE001 - the page again next tick, same ids
                msg = f"a PostingBooked was not acknowledged: {type(exc).__name__}"
                raise TransientError(msg) from None
            cursor = page[-1].sequence
            self._store.put(_FEED, str(cursor).encode(), task=task)
            await self._store.flush()
            log.info("finance_postings_back", task=str(task), read=len(page), cursor=cursor)

    def _readable(
        self, task: Task, booking: BookedPosting | UnreadableBooking
    ) -> Event[Contract] | None:
        """The booking's event; None for one without a case, or one that cannot be read.

        An unreadable booking is logged (what is wrong, never a value), counted and kept in
        the ``schedule`` store under ``refused/<sequence>`` as the finance system sent it
        (an answer of that one booking): the cursor moves past it, as past the others.
        """
        if isinstance(booking, BookedPosting):
            if not booking.case_reference:
                return None
            try:
                return self._booked(task.municipality, booking)
            except ValueError as exc:  # pydantic's ValidationError is one
                booking = UnreadableBooking(
                    booking.sequence,
                    f"not a valid PostingBooked ({type(exc).__name__})",
                    bookings_xml([booking]),
                )
        self.unreadable += 1
        self._store.put(f"{_REFUSED}{booking.sequence}", booking.raw[:_KEPT_BYTES], task=task)
        log.error(
            "finance_booking_unreadable",
            task=str(task),
            sequence=booking.sequence,
            error=booking.error,
            kept_bytes=min(len(booking.raw), _KEPT_BYTES),
            raw_bytes=len(booking.raw),
        )
        return None

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
    """Tick every ``interval_s`` until cancelled; a failed tick is tried at the next.

    Nothing a tick raises ends the loop (the hub would run on without its schedule): it is
    counted and logged by its class (``Scheduler.failure``); only a cancellation stops it.
    """
    while True:
        try:
            await scheduler.tick()
        except Exception as exc:  # noqa: BLE001 - the background task must outlive any tick
            scheduler.failure(exc)
        await asyncio.sleep(interval_s)
