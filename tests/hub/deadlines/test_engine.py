"""The deadline engine with a fake clock, an in-memory state changelog and a recording publisher."""

import asyncio
import datetime as dt

import pytest

from contracts.deadlines import (
    DeadlineApproachingV2,
    DeadlineMetV2,
    DeadlineMissedV2,
    DeadlineSetV2,
)
from hub.clock.rules import RULES
from hub.clock.state import Status
from hub.clock.tracked import deadline_id, transition_id
from hub.components.deadlines.engine import EVENT_TYPES, run_ticker
from hub.runtime.errors import TransientError
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.clock import local
from tests.hub.deadlines.recording import Clock, Published, engine_on, every_deadline

UTC = dt.UTC
START = dt.datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # 10:30 in Copenhagen
DUE = START + dt.timedelta(hours=24)
ESCALATE = DUE - dt.timedelta(hours=6)
MINUTE = dt.timedelta(minutes=1)
ASSESSMENT = "notification.acute-assessment"


@pytest.fixture
def clock():
    return Clock(START)


def notification_id(event):
    return event.data.notification_id


class TestSetting:
    async def test_a_notification_sets_its_two_deadlines_with_derived_ids(
        self, engine, published, case
    ):
        trigger = case.notification(START)
        await engine.handle(trigger)
        sets = published.of(DeadlineSetV2)
        assert [e.data.rule_id for e in sets] == [
            "notification-acute-assessment",
            "notification-receipt",
        ]
        first = sets[0]
        assert first.data.deadline_id == deadline_id(ASSESSMENT, trigger.envelope.id)
        assert first.envelope.id == transition_id(first.data.deadline_id, Status.SET)
        assert first.data.due_at == DUE
        assert first.data.escalate_at == ESCALATE
        assert str(first.data.legal_basis) == "BL §136"
        assert first.data.trigger_event_id == trigger.envelope.id
        assert (first.envelope.caseid, first.envelope.causationid) == (
            case.case_id,
            trigger.envelope.id,
        )

    async def test_the_same_trigger_again_sets_nothing_new(self, engine, published, case):
        trigger = case.notification(START)
        await engine.handle(trigger)
        await engine.handle(trigger)
        assert len(published.of(DeadlineSetV2)) == 2

    async def test_the_committee_s_own_decision_sets_only_its_statistics_clock(
        self, engine, published, case
    ):
        await engine.handle(case.committee(START, urgent=False))  # BL §47: code 4
        assert published.rules(DeadlineSetV2) == ["statistics-placement-committee"]


class TestMeeting:
    async def test_an_assessment_before_the_due_time_meets_only_its_deadline(
        self, engine, published, case
    ):
        trigger = case.notification(START)
        await engine.handle(trigger)
        answer = case.assessed(notification_id(trigger), DUE - MINUTE)
        await engine.handle(answer)
        (met,) = published.of(DeadlineMetV2)
        assert met.data.rule_id == "notification-acute-assessment"
        assert met.data.met_at == DUE - MINUTE
        assert met.data.met_by_event_id == answer.envelope.id
        assert [t.rule_id for t in engine.open_deadlines()] == ["notification.receipt"]

    async def test_an_assessment_of_another_notification_meets_nothing(
        self, engine, published, case
    ):
        await engine.handle(case.notification(START))
        await engine.handle(case.assessed("some-other-notification", START + MINUTE))
        assert published.of(DeadlineMetV2) == []

    async def test_an_assessment_made_after_the_due_time_misses(self, engine, published, case):
        trigger = case.notification(START)
        await engine.handle(trigger)
        await engine.handle(case.assessed(notification_id(trigger), DUE + MINUTE))
        (missed,) = published.of(DeadlineMissedV2)
        assert missed.envelope.time == DUE
        assert published.of(DeadlineMetV2) == []

    async def test_met_is_final_for_the_ticker(self, engine, published, clock, case):
        trigger = case.notification(START)
        await engine.handle(trigger)
        await engine.handle(case.assessed(notification_id(trigger), START + MINUTE))
        clock.now = DUE + dt.timedelta(days=30)
        await engine.tick()
        missed = published.of(DeadlineMissedV2)
        assert [e.data.rule_id for e in missed] == ["notification-receipt"]


class TestTicking:
    async def test_approaching_at_escalation_then_missed_after_due_once(
        self, engine, published, clock, case
    ):
        await engine.handle(case.notification(START))
        clock.now = ESCALATE - MINUTE
        assert await engine.tick() == 0
        clock.now = ESCALATE
        assert await engine.tick() == 1
        (approaching,) = published.of(DeadlineApproachingV2)
        assert approaching.envelope.time == ESCALATE
        clock.now = DUE
        assert await engine.tick() == 0  # due is still on time
        clock.now = DUE + MINUTE
        await engine.tick()
        await engine.tick()
        (missed,) = published.of(DeadlineMissedV2)
        assert missed.envelope.time == DUE
        assert missed.data.rule_id == "notification-acute-assessment"

    async def test_grace_waits_for_a_fulfilment_still_on_its_way(
        self, changelog, published, clock, case
    ):
        engine = await engine_on(changelog, published, clock, grace=MINUTE * 5)
        trigger = case.notification(START)
        await engine.handle(trigger)
        clock.now = DUE + MINUTE
        await engine.tick()
        await engine.handle(case.assessed(notification_id(trigger), DUE - MINUTE))
        assert len(published.of(DeadlineMetV2)) == 1
        assert published.of(DeadlineMissedV2) == []


class TestRestart:
    async def test_a_publish_that_failed_is_published_by_the_next_engine_with_the_same_id(
        self, engine, changelog, published, clock, case
    ):
        await engine.handle(case.notification(START))
        clock.now = DUE + MINUTE
        published.refuse = 1
        with pytest.raises(TransientError):
            await engine.tick()  # the step is stored, its event not published
        assert published.of(DeadlineMissedV2) == []
        after = await engine_on(changelog, published, clock)  # the tasks' next owner
        await after.tick()
        (missed,) = published.of(DeadlineMissedV2)
        assert missed.envelope.id == transition_id(missed.data.deadline_id, Status.MISSED)
        await after.tick()
        assert published.of(DeadlineMissedV2) == [missed]

    async def test_a_mark_that_failed_publishes_the_same_event_again_never_another(
        self, engine, changelog, published, clock, case
    ):
        await engine.handle(case.notification(START))
        clock.now = DUE + MINUTE
        original = engine._save

        calls = 0

        def save_then_crash(*args):
            nonlocal calls
            calls += 1
            if calls == 2:  # the write that marks the Missed event published
                raise TransientError("crash")
            original(*args)

        engine._save = save_then_crash
        with pytest.raises(TransientError):
            await engine.tick()
        after = await engine_on(changelog, published, clock)
        await after.tick()
        clock.now = DUE + dt.timedelta(days=400)
        await after.tick()
        missed = [
            e for e in published.of(DeadlineMissedV2) if e.data.rule_id.endswith("assessment")
        ]
        assert len(missed) == 2
        assert missed[0] == missed[1]  # the same event: consumers drop the second by its id

    async def test_the_due_time_is_read_back_never_recomputed(self, engine, changelog, clock, case):
        trigger = case.notification(START)
        await engine.handle(trigger)
        after = await engine_on(changelog, Published(), clock)
        (again,) = [t for t in after.open_deadlines() if t.rule_id == ASSESSMENT]
        assert again.due_at == DUE
        assert again.deadline_id == deadline_id(ASSESSMENT, trigger.envelope.id)

    async def test_a_store_that_refuses_leaves_the_trigger_to_be_redelivered(
        self, engine, changelog, published, case
    ):
        trigger = case.notification(START)
        changelog.refuse = 1
        with pytest.raises(TransientError):
            await engine.handle(trigger)
        await engine.handle(trigger)  # the delivery policy retries it
        assert len({e.envelope.id for e in published.of(DeadlineSetV2)}) == 2


class TestConfirmedEvents:
    async def test_the_appeal_clock_starts_on_delivery_of_a_letter_that_carries_the_decision(
        self, engine, case
    ):
        decided = local(2027, 1, 2, 9)
        await engine.handle(case.case_opened(decided - dt.timedelta(days=30)))
        await engine.handle(case.measure_decided(decided, "consultancy"))
        assert "appeal.period" not in {t.rule_id for t in engine.open_deadlines()}
        await engine.handle(case.letter_requested(decided, "d-1"))
        delivered = local(2027, 1, 3, 8)
        await engine.handle(case.letter_delivered(delivered))
        (appeal,) = [t for t in engine.open_deadlines() if t.rule_id == "appeal.period"]
        assert appeal.starts_at == delivered
        assert appeal.due_at == local(2027, 1, 31, 23, 59) + dt.timedelta(seconds=59.999999)

    async def test_a_letter_without_a_decision_starts_no_appeal_clock(self, engine, case):
        await engine.handle(case.letter_requested(local(2027, 1, 2), None))
        await engine.handle(case.letter_delivered(local(2027, 1, 3)))
        assert engine.open_deadlines() == []

    async def test_an_appeal_received_in_time_meets_the_period_even_if_forwarded_later(
        self, engine, published, case
    ):
        await engine.handle(case.letter_requested(local(2027, 1, 2), "d-1"))
        await engine.handle(case.letter_delivered(local(2027, 1, 3, 8)))
        await engine.handle(case.appeal("2027-01-30", local(2027, 2, 10)))
        (appeal,) = [t for t in every_deadline(engine) if t.rule_id == "appeal.period"]
        assert appeal.status is Status.MET
        (set_,) = published.of(DeadlineSetV2)
        (met,) = published.of(DeadlineMetV2)
        assert (set_.data.rule_id, met.data.rule_id) == ("appeal-period", "appeal-period")
        assert str(met.data.legal_basis) == "RSL §67"
        assert met.envelope.contractversion == 2
        assert met.data.met_at == local(2027, 1, 30)

    async def test_a_measure_start_waits_for_its_decision(self, engine, case):
        await engine.handle(case.case_opened(local(2026, 12, 1)))
        started = case.measure_started(local(2027, 1, 10))
        with pytest.raises(TransientError, match="measure-decided has not been seen"):
            await engine.handle(started)
        await engine.handle(case.measure_decided(local(2027, 1, 2), "placement_with_consent"))
        await engine.handle(started)
        rules = {t.rule_id for t in engine.open_deadlines()}
        assert {"follow-up.first", "statistics.placement-start", "aftercare.decision"} <= rules

    async def test_the_chairs_urgent_decision_is_met_by_the_committee(
        self, engine, published, case
    ):
        await engine.handle(case.committee(START, urgent=True))
        await engine.handle(case.committee(START + dt.timedelta(days=3), urgent=False))
        (met,) = published.of(DeadlineMetV2)
        assert met.data.rule_id == "committee-presentation"
        assert str(met.data.legal_basis) == "SEL §75 stk. 3"


def test_the_engine_consumes_every_trigger_and_fulfilment():
    for rule in RULES:
        assert {rule.trigger, *rule.fulfilled_by} <= EVENT_TYPES
    assert "dk.casehub.letter.requested" in EVENT_TYPES


async def test_run_ticker_ticks_until_cancelled(changelog, published, clock):
    case = CaseFile()
    first = await engine_on(changelog, published, clock)
    await first.handle(case.notification(START))
    clock.now = DUE + MINUTE
    engine = await engine_on(changelog, published, clock)
    task = asyncio.create_task(run_ticker(engine, interval_s=0.01))
    async with asyncio.timeout(5):
        while not published.of(DeadlineMissedV2):
            await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
