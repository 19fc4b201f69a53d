"""The scheduled month-end run, the postings back and the reconciliation, stores in memory.

The stand-in over real SOAP (ASGI); the component's own handler takes the events the run
and the feed publish, as it does on the bus, so its ledger knows what was posted and paid.
"""

import asyncio
import dataclasses
import datetime as dt

import pytest
from structlog.testing import capture_logs

from adapters.finance import FinanceClient, FinanceStandin
from adapters.finance.port import BookedPosting, PostingKind, UnreadableBooking
from adapters.finance.reconcile import reconcile, reported
from adapters.finance.schedule import SCHEDULE, Scheduler, run_schedule
from adapters.finance.wire import parse_bookings
from adapters.finance.wiring import MeasureMoney
from contracts.finance import PaymentScheduledV2, PostingBooked, ReconciliationReported
from hub.runtime.state import MemoryChangelog, Store, Task
from tests.adapters.finance.events import decided, of, wrap
from tests.adapters.finance.test_wiring import Rig
from tests.state import owned_table

JANUARY = dt.date(2027, 1, 1)
TASKS = [Task("101", p) for p in range(3)]


@pytest.fixture
async def rig():
    changelog = MemoryChangelog()
    rig = Rig(await owned_table(changelog=changelog), _standin(), changelog=changelog)
    await rig.handle(wrap(decided("m-1"), case_id="C-1"))  # January: 1,451,613 øre
    await rig.handle(wrap(decided("m-2", start="2027-01-01", end="2027-12-31"), case_id="C-2"))
    await rig.handle(wrap(decided("m-3", start="2027-01-01", end="2027-12-31"), case_id="C-3"))
    # m-3's account has left the chart since its commitment was booked: its payment is refused.
    measures = Store(rig.table, "measures")
    stored = measures.get("m-3", task=TASKS[0])
    assert stored is not None
    money = MeasureMoney.load(stored)
    measures.put("m-3", dataclasses.replace(money, account="5.28.99").dump(), task=TASKS[0])
    rig.standin.hold_back.add("m-2")  # taken, not booked yet
    rig.published.clear()
    yield rig
    await rig.http.aclose()


def _standin():
    return FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))


def scheduler(rig, table=None, day=26, hour=9, *, system=None, clock=None):  # noqa: PLR0913
    return Scheduler(
        system=system or FinanceClient(rig.http),
        table=table or rig.table,
        publish=rig.publish,
        source="urn:casehub:finance",
        run_day=25,
        clock=clock or (lambda: dt.datetime(2027, 1, day, hour, tzinfo=dt.UTC)),
    )


async def consume(rig):
    """The component handles what was published (as it consumes its finance topic)."""
    for event in list(rig.published):
        if isinstance(event.data, PaymentScheduledV2 | PostingBooked):
            await rig.handle(event)


def payments(standin):
    return sorted(
        (p.reference, p.amount_ore) for p in standin.postings if p.kind is PostingKind.PAYMENT
    )


async def test_the_run_waits_for_its_day_then_runs_the_month_once(rig):
    await scheduler(rig, day=24).tick()
    assert payments(rig.standin) == []
    await scheduler(rig).tick()
    assert payments(rig.standin) == [("m-1", 1_451_613), ("m-2", 3_000_000)]
    assert rig.standin.rejections[-1][1] == "KONTO_UKENDT"
    assert sorted(e.measure_id for e in of(rig.published, PaymentScheduledV2)) == ["m-1", "m-2"]
    calls = rig.standin.calls
    await scheduler(rig).tick()  # the month is marked done: nothing is posted again
    assert rig.standin.calls == calls
    # Another instance, its table restored from the changelog, finds the month done too.
    again = await owned_table(changelog=rig.changelog)
    await scheduler(rig, table=again).tick()
    assert rig.standin.calls == calls
    # A measure decided after the sweep is paid at the next one (an hour on); what the ledger
    # has as posted is not posted again, the refused one is tried again.
    await rig.handle(wrap(decided("m-4", start="2027-01-01", end="2027-01-31"), case_id="C-4"))
    await scheduler(rig, hour=11).tick()
    assert payments(rig.standin) == [("m-1", 1_451_613), ("m-2", 3_000_000), ("m-4", 3_000_000)]
    assert rig.standin.duplicates == 0
    assert [code for _key, code in rig.standin.rejections] == ["KONTO_UKENDT"] * 2


async def test_the_postings_back_are_published_once_from_the_cursor(rig):
    await scheduler(rig).tick()
    booked = of(rig.published, PostingBooked)
    # The three commitments, and m-1's payment (m-2's is not booked yet, m-3's was refused)
    assert sorted((b.measure_id, b.kind.value) for b in booked) == [
        ("m-1", "commitment"),
        ("m-1", "payment"),
        ("m-2", "commitment"),
        ("m-3", "commitment"),
    ]
    ids = {e.envelope.id for e in rig.published if isinstance(e.data, PostingBooked)}
    await scheduler(rig).tick()  # the cursor moved on: nothing read twice
    assert len(of(rig.published, PostingBooked)) == len(booked)
    rig.standin.release()
    await scheduler(rig).tick()
    (late,) = of(rig.published, PostingBooked)[len(booked) :]
    assert (late.measure_id, late.kind.value, str(late.amount)) == ("m-2", "payment", "30000.00")
    assert not ids & {e.envelope.id for e in rig.published[-1:]}


async def test_the_reconciliation_shows_a_refused_and_an_unbooked_posting(rig):
    await scheduler(rig).tick()
    await consume(rig)
    found = reconcile(rig.table, TASKS, JANUARY)
    lines = {c.case_id: (c.committed_ore, c.posted_ore, c.paid_ore) for c in found.cases}
    assert lines == {
        "C-1": (1_451_613, 1_451_613, 1_451_613),
        "C-2": (3_000_000, 3_000_000, 0),  # posted, not booked yet
        "C-3": (3_000_000, 0, 0),  # refused: committed, never posted
    }
    assert (found.committed_ore, found.posted_ore, found.paid_ore) == (
        7_451_613,
        4_451_613,
        1_451_613,
    )
    assert [c.case_id for c in found.differing] == ["C-2", "C-3"]
    event = reported(found, "101", source="urn:casehub:finance", at=dt.datetime.now(dt.UTC))
    assert isinstance(event.data, ReconciliationReported)
    assert [c.case_id for c in event.data.differing] == ["C-2", "C-3"]
    assert str(event.data.paid) == "14516.13"
    # Once the finance system books m-2's payment, and it is read back (twice: once recorded)
    rig.standin.release()
    await scheduler(rig).tick()
    await consume(rig)
    await consume(rig)
    after = reconcile(rig.table, TASKS, JANUARY)
    assert [c.case_id for c in after.differing] == ["C-3"]
    assert after.paid_ore == 4_451_613


async def test_an_unreadable_booking_is_kept_and_the_feed_reads_on_past_it(rig):
    # Two bad bookings among the good ones: a period not YYYY-MM (the wire refuses it) and an
    # account PostingBooked refuses; m-1's payment is booked after them.
    first = rig.standin.booked[0]
    rig.standin.booked += [
        dataclasses.replace(first, sequence=4, period="2027-13"),
        dataclasses.replace(first, sequence=5, account="konto!"),
    ]
    schedule = scheduler(rig)
    with capture_logs() as logs:
        await schedule.tick()
    booked = of(rig.published, PostingBooked)
    assert sorted((b.measure_id, b.kind.value) for b in booked) == [
        ("m-1", "commitment"),
        ("m-1", "payment"),
        ("m-2", "commitment"),
        ("m-3", "commitment"),
    ]
    assert schedule.unreadable == 2
    unreadable = [e for e in logs if e["event"] == "finance_booking_unreadable"]
    assert [(e["sequence"], e["error"]) for e in unreadable] == [
        (4, "a booking's period is not YYYY-MM"),
        (5, "not a valid PostingBooked (ValidationError)"),
    ]
    assert "2027-13" not in str(logs)
    assert "konto!" not in str(logs)
    # Each is kept as it came, an answer of that one booking the feed's reader takes again.
    kept = Store(rig.table, SCHEDULE)
    (period,) = parse_bookings(kept.get("refused/4", task=TASKS[0]) or b"")
    assert isinstance(period, UnreadableBooking)
    assert period.sequence == 4
    (account,) = parse_bookings(kept.get("refused/5", task=TASKS[0]) or b"")
    assert isinstance(account, BookedPosting)
    assert (account.sequence, account.account) == (5, "konto!")
    # The cursor moved past them: read again, nothing is published or refused again.
    await schedule.tick()
    assert len(of(rig.published, PostingBooked)) == len(booked)
    assert schedule.unreadable == 2


class _Broken:
    """The finance system whose feed fails as no system or broker outage does (a bug)."""

    def __init__(self, system):
        self.post = system.post

    async def booked_after(self, municipality, sequence):
        msg = f"{municipality} {sequence}"
        raise RuntimeError(msg)


async def test_a_task_failing_unexpectedly_does_not_stop_the_others(rig):
    schedule = scheduler(rig, system=_Broken(FinanceClient(rig.http)))
    with capture_logs() as logs:
        assert await schedule.tick() == 3  # each municipality's partition 0 (its feed)
        assert await schedule.tick() == 3
    # Every task's run went on: the payments are posted.
    assert payments(rig.standin) == [("m-1", 1_451_613), ("m-2", 3_000_000)]
    assert schedule.failures == 6
    failed = [e for e in logs if e["event"] == "finance_schedule_failed"]
    assert [(e["error"], e["task"]) for e in failed] == [("RuntimeError", str(TASKS[0]))]


async def test_the_background_task_outlives_a_tick_that_raises(rig):
    def clock():
        msg = "no time"
        raise RuntimeError(msg)

    schedule = scheduler(rig, clock=clock)
    with capture_logs() as logs:
        running = asyncio.create_task(run_schedule(schedule, interval_s=0))
        for _ in range(100):  # bounded: each round is one tick
            await asyncio.sleep(0)
            if schedule.failures >= 3:
                break
        alive = not running.done()
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    assert alive
    assert schedule.failures >= 3
    failed = [e for e in logs if e["event"] == "finance_schedule_failed"]
    assert [e["error"] for e in failed] == ["RuntimeError"]  # once per kind
