"""Deadlines whose reason went away: the measure ended, the case closed (DeadlineWithdrawn).

Which rule an ending withdraws is the rules table's (``withdrawn_by``): a measure's plans,
follow-up and aftercare end with it, and case work ends with the case; the appeal period,
the statistics reports, the committee's review and the notification duties stay due.
"""

import datetime as dt

import pytest

from contracts.deadlines import (
    DeadlineMetV2,
    DeadlineMissedV2,
    DeadlineSetV2,
    DeadlineWithdrawn,
    WithdrawalReason,
)
from hub.clock.model import Ending
from hub.clock.state import Status
from hub.clock.tracked import transition_id
from hub.components.deadlines.status import as_json
from hub.runtime.errors import TransientError
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.clock import local
from tests.hub.deadlines.recording import Clock, engine_on, every_deadline
from tests.people import cpr_for

DAY = dt.timedelta(days=1)
OPENED = local(2026, 9, 1, 9)
DECIDED = local(2026, 11, 2, 10)
STARTED = local(2026, 11, 9, 10)
ENDED = local(2026, 11, 20, 10)
LATER = local(2029, 1, 1)  # every deadline below is due by then
PLACEMENT = {
    "aftercare-decision",
    "follow-up-first",
    "plan-placement",
    "statistics-placement-decision",
    "statistics-placement-start",
}


@pytest.fixture
def clock():
    return Clock(STARTED)


def rules(events):
    return {e.data.rule_id for e in events}


async def place(engine, case, measure_id="m-1"):
    """A placement of a child of 15 (aftercare due before 18) decided and started."""
    await engine.handle(case.case_opened(OPENED, cpr_for(dt.date(2011, 5, 15))))
    await engine.handle(
        case.measure_decided(DECIDED, "placement_with_consent", measure_id=measure_id)
    )
    await engine.handle(case.measure_started(STARTED, measure_id=measure_id))


class TestTheMeasureEnds:
    async def test_its_plan_follow_up_and_aftercare_are_withdrawn(self, engine, published, case):
        await place(engine, case)
        assert rules(published.of(DeadlineSetV2)) == PLACEMENT
        ended = case.measure_ended(ENDED)
        await engine.handle(ended)
        withdrawn = published.of(DeadlineWithdrawn)
        assert rules(withdrawn) == {"aftercare-decision", "follow-up-first", "plan-placement"}
        for event in withdrawn:
            assert event.data.reason is WithdrawalReason.MEASURE_ENDED
            assert event.data.withdrawn_at == local(2026, 11, 20)  # the measure's last day
            assert event.data.withdrawn_by_event_id == ended.envelope.id
            assert event.envelope.causationid == ended.envelope.id
            assert event.envelope.id == transition_id(event.data.deadline_id, Status.WITHDRAWN)
            assert event.envelope.contractversion == 1
            assert event.envelope.caseid == case.case_id

    async def test_its_statistics_reports_stay_due_and_are_missed(
        self, engine, published, clock, case
    ):
        await place(engine, case)
        await engine.handle(case.measure_ended(ENDED))
        clock.now = LATER
        await engine.tick()
        assert rules(published.of(DeadlineMissedV2)) == {
            "statistics-placement-decision",
            "statistics-placement-start",
            "statistics-placement-end",  # the end itself is reported (code 5)
        }

    async def test_the_appeal_period_is_not_withdrawn(self, engine, published, clock, case):
        await place(engine, case)
        await engine.handle(case.letter_requested(DECIDED, "d-1"))
        await engine.handle(case.letter_delivered(DECIDED + DAY))
        await engine.handle(case.measure_ended(DECIDED + 2 * DAY))
        assert "appeal-period" not in rules(published.of(DeadlineWithdrawn))
        clock.now = LATER
        await engine.tick()
        assert "appeal-period" in rules(published.of(DeadlineMissedV2))

    async def test_another_measure_ending_withdraws_nothing(self, engine, published, case):
        await place(engine, case)
        await engine.handle(case.measure_ended(ENDED, measure_id="m-2"))
        assert published.of(DeadlineWithdrawn) == []

    async def test_an_ending_after_the_due_time_comes_too_late(
        self, engine, published, clock, case
    ):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        await engine.handle(case.measure_started(STARTED))
        await engine.handle(case.measure_ended(local(2027, 3, 1)))  # follow-up due 9 Feb
        assert published.of(DeadlineWithdrawn) == []
        clock.now = LATER
        await engine.tick()
        assert "follow-up-first" in rules(published.of(DeadlineMissedV2))

    async def test_withdrawn_is_final(self, engine, published, clock, case):
        await place(engine, case)
        await engine.handle(case.measure_ended(ENDED))
        await engine.handle(case.follow_up(ENDED + DAY))
        await engine.handle(case.measure_ended(ENDED + DAY))
        clock.now = LATER
        await engine.tick()
        assert len(published.of(DeadlineWithdrawn)) == 3
        assert "follow-up-first" not in rules(published.of(DeadlineMetV2))
        assert "follow-up-first" not in rules(published.of(DeadlineMissedV2))


class TestTheCaseCloses:
    async def test_case_work_is_withdrawn_what_is_owed_to_others_is_not(
        self, engine, published, clock, case
    ):
        await engine.handle(case.notification(DECIDED - 30 * DAY))  # assessment, receipt
        await engine.handle(case.investigation_started(DECIDED - 20 * DAY, "2026-10-01"))
        await engine.handle(case.committee(DECIDED - DAY, urgent=True))
        await place(engine, case)
        proposal = case.measure_proposed(
            ENDED - DAY, ENDED + 14 * DAY, "consultancy", measure_id="m-9"
        )
        await engine.handle(proposal)
        closed = case.case_closed(ENDED)
        await engine.handle(closed)
        withdrawn = published.of(DeadlineWithdrawn)
        assert rules(withdrawn) == {
            "aftercare-decision",
            "decision-child-heard",
            "follow-up-first",
            "investigation-completed",
            "investigation-provisional-assessment",
            "plan-placement",
        }
        assert {e.data.reason for e in withdrawn} == {WithdrawalReason.CASE_CLOSED}
        assert {e.data.withdrawn_at for e in withdrawn} == {ENDED}
        clock.now = LATER
        await engine.tick()
        assert rules(published.of(DeadlineMissedV2)) == {
            "committee-presentation",
            "notification-acute-assessment",
            "notification-receipt",
            "statistics-placement-committee",  # the chair's §47 decision (code 4)
            "statistics-placement-decision",
            "statistics-placement-start",
        }

    async def test_another_case_closing_withdraws_nothing(self, engine, published, case):
        await place(engine, case)
        await engine.handle(CaseFile().case_closed(ENDED))
        assert published.of(DeadlineWithdrawn) == []


class TestAnEndingReadFirst:
    async def test_a_measure_that_ended_before_its_decision_was_read(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED))
        ended = case.measure_ended(ENDED)
        await engine.handle(ended)  # the measure topic was read before the decision topic
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        (set_,) = published.of(DeadlineSetV2)
        (withdrawn,) = published.of(DeadlineWithdrawn)
        assert (set_.data.rule_id, withdrawn.data.rule_id) == ("plan-supporting-measure",) * 2
        assert withdrawn.data.withdrawn_by_event_id == ended.envelope.id
        assert published.events.index(set_) < published.events.index(withdrawn)

    async def test_a_case_closed_before_an_investigation_was_read(self, engine, published, case):
        await engine.handle(case.case_closed(ENDED))
        await engine.handle(case.investigation_started(DECIDED, "2026-10-01"))
        assert rules(published.of(DeadlineWithdrawn)) == {
            "investigation-completed",
            "investigation-provisional-assessment",
        }

    async def test_a_case_closed_before_the_clock_started_leaves_it_standing(
        self, engine, published, case
    ):
        """Something new started in the case after it was closed: its duty stands."""
        await engine.handle(case.case_closed(DECIDED - 10 * DAY))
        await engine.handle(case.investigation_started(DECIDED, str(DECIDED.date())))
        assert published.of(DeadlineWithdrawn) == []

    async def test_a_fulfilment_before_the_ending_wins(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.plan_created(DECIDED + DAY))
        await engine.handle(case.measure_ended(ENDED))
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        assert rules(published.of(DeadlineMetV2)) == {"plan-supporting-measure"}
        assert published.of(DeadlineWithdrawn) == []


class TestRestart:
    async def test_a_withdrawal_not_yet_published_is_published_once_after_a_restart(
        self, engine, changelog, published, clock, case
    ):
        await place(engine, case)
        ended = case.measure_ended(ENDED)
        published.refuse = 1
        with pytest.raises(TransientError):
            await engine.handle(ended)
        after = await engine_on(changelog, published, clock)
        await after.handle(ended)  # the redelivery finds them withdrawn
        clock.now = LATER
        await after.tick()
        withdrawn = published.of(DeadlineWithdrawn)
        assert len(withdrawn) == len({e.envelope.id for e in withdrawn}) == 3
        assert "follow-up-first" not in rules(published.of(DeadlineMissedV2))

    async def test_the_reason_is_read_back(self, engine, changelog, published, clock, case):
        await place(engine, case)
        await engine.handle(case.measure_ended(ENDED))
        after = await engine_on(changelog, published, clock)
        withdrawn = [t for t in every_deadline(after) if t.status is Status.WITHDRAWN]
        assert {t.steps[-1].reason for t in withdrawn} == {Ending.MEASURE_ENDED}
        shown = as_json(withdrawn[0])
        assert (shown["status"], shown["reason"]) == ("withdrawn", "measure_ended")
        assert shown["ended_at"] == local(2026, 11, 20).isoformat()


def test_the_engines_reasons_are_the_contracts():
    assert {e.value for e in Ending} == {r.value for r in WithdrawalReason}
