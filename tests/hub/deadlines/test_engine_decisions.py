"""The engine on the rules around a decision: before it, the youth plan, aftercare, and the
deadlines that rest on other acts than SEL and BL (which v1 of the contracts could not carry).
"""

import datetime as dt
import json

import pytest
from structlog.testing import capture_logs

from contracts.deadlines import (
    DeadlineApproachingV2,
    DeadlineMetV2,
    DeadlineMissedV2,
    DeadlineSetV2,
)
from hub.runtime.errors import TransientError
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.clock import eod, local
from tests.hub.deadlines.recording import Clock, engine_on
from tests.people import cpr_for

D = dt.date
MINUTE = dt.timedelta(minutes=1)
OPENED = local(2026, 9, 1, 9)
PROPOSED = local(2026, 11, 2, 10)
PLANNED = local(2026, 11, 17, 13)  # the committee's meeting
ESCALATE = eod(2026, 11, 10)  # a week before
HEARD = "decision-child-heard"
PLAN_FIRST = "plan-placement-without-consent"


@pytest.fixture
def clock():
    return Clock(PROPOSED)


def child_born(birth):
    return cpr_for(birth, 321)


def one(events, rule_id):
    (found,) = [e for e in events if e.data.rule_id == rule_id]
    return found


class TestBeforeTheDecision:
    async def propose(self, engine, case, kind="consultancy"):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_proposed(PROPOSED, PLANNED, kind))

    async def test_a_proposal_sets_the_hearing_due_when_the_decision_is_planned(
        self, engine, published, case
    ):
        await self.propose(engine, case)
        (heard,) = published.of(DeadlineSetV2)
        assert heard.data.rule_id == HEARD
        assert (heard.data.due_at, heard.data.escalate_at) == (PLANNED, ESCALATE)
        assert str(heard.data.legal_basis) == "BL §5"
        assert heard.envelope.contractversion == 2
        assert heard.envelope.time == PROPOSED

    async def test_heard_a_minute_before_the_planned_decision_is_met(self, engine, published, case):
        await self.propose(engine, case)
        hearing = case.child_heard(PLANNED - MINUTE)
        await engine.handle(hearing)
        (met,) = published.of(DeadlineMetV2)
        assert (met.data.rule_id, met.data.met_at) == (HEARD, PLANNED - MINUTE)
        assert met.data.met_by_event_id == hearing.envelope.id
        await engine.handle(case.measure_decided(PLANNED, "consultancy"))
        assert published.of(DeadlineMissedV2) == []

    async def test_heard_a_minute_after_the_planned_decision_is_missed_then(
        self, engine, published, case
    ):
        await self.propose(engine, case)
        await engine.handle(case.child_heard(PLANNED + MINUTE))
        (missed,) = published.of(DeadlineMissedV2)
        assert (missed.data.rule_id, missed.envelope.time) == (HEARD, PLANNED)
        assert published.of(DeadlineMetV2) == []

    async def test_the_decision_before_the_hearing_misses_it_when_decided(
        self, engine, published, case
    ):
        await self.propose(engine, case)
        decided = PLANNED - dt.timedelta(days=2)  # earlier than planned
        decision = case.measure_decided(decided, "consultancy")
        await engine.handle(decision)
        missed = one(published.of(DeadlineMissedV2), HEARD)
        assert missed.envelope.time == decided
        assert missed.envelope.causationid == decision.envelope.id
        await engine.handle(case.child_heard(decided + MINUTE))
        assert published.of(DeadlineMetV2) == []

    async def test_a_decision_on_another_measure_cuts_nothing_off(self, engine, published, case):
        await self.propose(engine, case)
        await engine.handle(
            case.measure_decided(PROPOSED + MINUTE, "consultancy", measure_id="m-2")
        )
        assert published.of(DeadlineMissedV2) == []
        assert HEARD.replace("-", ".", 1) in {t.rule_id for t in engine.open_deadlines()}

    async def test_the_ticker_escalates_a_week_before_and_misses_when_the_time_passes(
        self, engine, published, clock, case
    ):
        await self.propose(engine, case)
        clock.now = ESCALATE
        await engine.tick()
        (approaching,) = published.of(DeadlineApproachingV2)
        assert approaching.envelope.time == ESCALATE
        clock.now = PLANNED
        await engine.tick()
        assert published.of(DeadlineMissedV2) == []
        clock.now = PLANNED + MINUTE
        await engine.tick()
        (missed,) = published.of(DeadlineMissedV2)
        assert missed.envelope.time == PLANNED

    async def test_a_placement_without_consent_needs_its_plan_before_the_decision(
        self, engine, published, case
    ):
        await self.propose(engine, case, "placement_without_consent")
        assert published.rules(DeadlineSetV2) == [HEARD, PLAN_FIRST]
        plan = one(published.of(DeadlineSetV2), PLAN_FIRST)
        assert str(plan.data.legal_basis) == "BL §91 stk. 2"
        assert plan.data.due_at == PLANNED
        await engine.handle(case.plan_created(PLANNED - dt.timedelta(days=1)))
        await engine.handle(case.child_heard(PLANNED - dt.timedelta(days=1)))
        assert sorted(published.rules(DeadlineMetV2)) == [HEARD, PLAN_FIRST]
        await engine.handle(case.measure_decided(PLANNED, "placement_without_consent"))
        assert published.of(DeadlineMissedV2) == []
        # The decision starts the statistics clock; no plan is due after it.
        assert published.rules(DeadlineSetV2)[2:] == ["statistics-placement-decision"]

    async def test_a_plan_for_another_measure_does_not_meet_it(self, engine, published, case):
        await self.propose(engine, case, "placement_without_consent")
        await engine.handle(case.plan_created(PROPOSED + MINUTE, measure_ids=("m-2",)))
        await engine.handle(case.plan_created(PROPOSED + MINUTE, kind="youth_plan"))
        assert published.of(DeadlineMetV2) == []
        await engine.handle(case.measure_decided(PLANNED, "placement_without_consent"))
        assert sorted(published.rules(DeadlineMissedV2)) == [HEARD, PLAN_FIRST]

    async def test_a_placement_with_consent_needs_no_plan_first(self, engine, published, case):
        await self.propose(engine, case, "placement_with_consent")
        assert published.rules(DeadlineSetV2) == [HEARD]


class TestYouthPlan:
    DECIDED = local(2026, 11, 2, 10)

    async def decide(self, engine, case, birth, kind="consultancy"):
        await engine.handle(case.case_opened(OPENED, child_born(birth)))
        await engine.handle(case.measure_decided(self.DECIDED, kind))

    @pytest.mark.parametrize(
        ("birth", "youth"),
        [(D(2010, 11, 2), True), (D(2010, 11, 3), False), (D(2000, 1, 1), True)],
    )
    async def test_from_the_16th_birthday_on_the_day_of_the_decision(
        self, engine, published, case, birth, youth
    ):
        await self.decide(engine, case, birth)
        assert ("plan-youth" in published.rules(DeadlineSetV2)) is youth

    async def test_due_three_months_after_and_met_by_a_youth_plan(self, engine, published, case):
        await self.decide(engine, case, D(2010, 6, 1))
        youth = one(published.of(DeadlineSetV2), "plan-youth")
        assert (youth.data.due_at, youth.data.escalate_at) == (eod(2027, 2, 2), eod(2027, 1, 19))
        assert str(youth.data.legal_basis) == "BL §108"
        await engine.handle(case.plan_created(eod(2027, 2, 2) - MINUTE, kind="youth_plan"))
        assert published.rules(DeadlineMetV2) == ["plan-youth"]  # not the child's plan

    async def test_a_youth_plan_a_minute_late_misses(self, engine, published, case):
        await self.decide(engine, case, D(2010, 6, 1))
        await engine.handle(case.plan_created(eod(2027, 2, 2) + MINUTE, kind="youth_plan"))
        (missed,) = published.of(DeadlineMissedV2)
        assert (missed.data.rule_id, missed.envelope.time) == ("plan-youth", eod(2027, 2, 2))

    async def test_a_leapling_is_16_on_29_february(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED, child_born(D(2012, 2, 29))))
        await engine.handle(case.measure_decided(local(2028, 2, 28, 12), "consultancy"))
        assert "plan-youth" not in published.rules(DeadlineSetV2)
        await engine.handle(
            case.measure_decided(local(2028, 2, 29, 12), "consultancy", measure_id="m-2")
        )
        assert "plan-youth" in published.rules(DeadlineSetV2)

    async def test_the_notification_names_the_child_too(self, engine, published, case):
        born = D(2010, 1, 5)
        await engine.handle(case.notification(OPENED, child_cpr=child_born(born)))
        await engine.handle(case.measure_decided(self.DECIDED, "consultancy"))
        assert "plan-youth" in published.rules(DeadlineSetV2)

    async def test_a_decision_waits_for_the_case_to_be_known(self, engine, published, case):
        decision = case.measure_decided(self.DECIDED, "consultancy")
        with pytest.raises(TransientError, match=r"case\.opened or notification\.received"):
            await engine.handle(decision)
        assert published.events == []
        await engine.handle(case.case_opened(OPENED, child_born(D(2010, 1, 5))))
        await engine.handle(decision)  # the delivery policy's retry
        assert published.rules(DeadlineSetV2) == ["plan-supporting-measure", "plan-youth"]

    async def test_the_birth_date_survives_a_restart_and_is_all_that_is_kept(
        self, changelog, published, clock, case
    ):
        first = await engine_on(changelog, published, clock)
        cpr = child_born(D(2010, 1, 5))
        await first.handle(case.case_opened(OPENED, cpr))
        kept = changelog.records["101", f"fact:child:{case.case_id}"]
        assert json.loads(kept)["fields"] == {"child_birth_date": "2010-01-05"}
        assert not [v for v in changelog.records.values() if cpr.encode() in v]
        after = await engine_on(changelog, published, clock)
        await after.handle(case.measure_decided(self.DECIDED, "consultancy"))
        assert "plan-youth" in published.rules(DeadlineSetV2)


class TestAftercare:
    BORN = D(2010, 5, 15)  # 18 on 15 May 2028: aftercare decided by 15 November 2027
    DUE = eod(2027, 11, 15)

    async def place(self, engine, case, started, birth=BORN):
        await engine.handle(case.case_opened(OPENED, child_born(birth)))
        await engine.handle(case.measure_decided(started, "placement_with_consent"))
        await engine.handle(case.measure_started(started))

    async def test_due_six_months_before_the_18th_birthday(self, engine, published, case):
        await self.place(engine, case, local(2026, 11, 2, 10))
        aftercare = one(published.of(DeadlineSetV2), "aftercare-decision")
        assert (aftercare.data.due_at, aftercare.data.escalate_at) == (self.DUE, eod(2027, 10, 18))
        assert str(aftercare.data.legal_basis) == "SEL §68 stk. 12"

    @pytest.mark.parametrize("granted", [True, False])
    async def test_met_by_the_decision_granted_or_not(self, engine, published, case, granted):
        await self.place(engine, case, local(2026, 11, 2, 10))
        await engine.handle(case.aftercare_decided(self.DUE - MINUTE, granted=granted))
        assert published.rules(DeadlineMetV2) == ["aftercare-decision"]

    async def test_a_decision_a_minute_late_misses(self, engine, published, case):
        await self.place(engine, case, local(2026, 11, 2, 10))
        await engine.handle(case.aftercare_decided(self.DUE + MINUTE))
        (missed,) = published.of(DeadlineMissedV2)
        assert (missed.data.rule_id, missed.envelope.time) == ("aftercare-decision", self.DUE)

    async def test_a_placement_starting_after_that_day_is_due_at_once(
        self, engine, published, clock, case
    ):
        started = local(2027, 12, 1, 10)
        await self.place(engine, case, started)
        aftercare = one(published.of(DeadlineSetV2), "aftercare-decision")
        assert aftercare.data.due_at == eod(2027, 12, 1)
        assert aftercare.data.escalate_at == started
        clock.now = started
        await engine.tick()
        assert published.rules(DeadlineApproachingV2) == ["aftercare-decision"]
        clock.now = eod(2027, 12, 1) + MINUTE
        await engine.tick()
        assert "aftercare-decision" in published.rules(DeadlineMissedV2)

    async def test_a_leapling_turning_18_on_28_february_is_due_28_august(
        self, engine, published, case
    ):
        await self.place(engine, case, local(2024, 3, 1, 10), birth=D(2008, 2, 29))
        aftercare = one(published.of(DeadlineSetV2), "aftercare-decision")
        assert aftercare.data.due_at == eod(2025, 8, 28)

    async def test_no_aftercare_from_the_18th_birthday(self, engine, published, case):
        await self.place(engine, case, local(2028, 5, 15, 10))
        assert "aftercare-decision" not in published.rules(DeadlineSetV2)

    async def test_a_supporting_measure_starts_without_knowing_the_child(
        self, engine, published, case
    ):
        # DUBU's sub-processes are cases of their own: decided in one, started in another.
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_decided(PROPOSED, "consultancy"))
        elsewhere = CaseFile()
        await engine.handle(elsewhere.measure_started(PROPOSED + MINUTE))
        assert "follow-up-first" in published.rules(DeadlineSetV2)

    async def test_a_placement_start_waits_for_its_case_to_be_known(self, engine, case):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_decided(PROPOSED, "placement_with_consent"))
        elsewhere = CaseFile()
        with pytest.raises(TransientError, match=r"case\.opened or notification\.received"):
            await engine.handle(elsewhere.measure_started(PROPOSED + MINUTE))


class TestOtherActs:
    """Deadlines on Retssikkerhedsloven and the data-reporting order are published now."""

    async def test_the_statistics_report_of_a_placement_decision(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_decided(PROPOSED, "placement_with_consent"))
        report = one(published.of(DeadlineSetV2), "statistics-placement-decision")
        assert report.data.due_at == eod(2026, 11, 30)
        assert report.data.legal_basis.model_dump(exclude_none=True) == {"law": "DATABEK"}
        await engine.handle(case.statistics_reported(eod(2026, 11, 30) - MINUTE, "d-1"))
        assert published.rules(DeadlineMetV2) == ["statistics-placement-decision"]

    async def test_an_appeal_period_that_ends_unappealed_is_missed_with_its_basis(
        self, engine, published, clock, case
    ):
        await engine.handle(case.letter_requested(local(2027, 1, 2), "d-1"))
        await engine.handle(case.letter_delivered(local(2027, 1, 3, 8)))
        clock.now = eod(2027, 1, 31) + MINUTE
        await engine.tick()
        (missed,) = published.of(DeadlineMissedV2)
        assert (missed.data.rule_id, str(missed.data.legal_basis)) == ("appeal-period", "RSL §67")


async def test_the_logs_carry_ids_never_the_child(engine, case):
    cpr = child_born(D(2010, 11, 2))
    with capture_logs() as logs:
        await engine.handle(case.case_opened(OPENED, cpr))
        await engine.handle(case.measure_proposed(PROPOSED, PLANNED, "placement_without_consent"))
        await engine.handle(case.measure_decided(PLANNED, "placement_without_consent"))
        await engine.handle(case.measure_started(PLANNED))
    text = json.dumps(logs, default=str)
    assert logs
    for secret in (cpr, f"{cpr[:6]}-{cpr[6:]}", "2010-11-02", "2010, 11, 2"):
        assert secret not in text


class TestTheStatisticsClocksOfAMeasure:
    """Codes 3-5 read the measure's decision, which the engine remembers for them."""

    def committee_on(self, case, decision_id, paragraph):
        return case.of(
            "dk.casehub.decision.committee-decided",
            PROPOSED,
            decision_id=decision_id,
            decided_at=PROPOSED.isoformat(),
            urgent=False,
            legal_basis={"law": "BL", "paragraph": paragraph},
            outcome="approved",
            reasoning="Synthetic.",
        )

    async def test_the_committee_s_decision_on_a_decided_measure_is_judged_by_the_measure(
        self, engine, published, case
    ):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_decided(PROPOSED, "consultancy", decision_id="d-s"))
        await engine.handle(self.committee_on(case, "d-s", "47"))  # not a placement after all
        placement = case.measure_decided(
            PROPOSED, "placement_with_consent", decision_id="d-p", measure_id="m-p"
        )
        await engine.handle(placement)
        on_placement = self.committee_on(case, "d-p", "46")  # §46, yet a placement
        await engine.handle(on_placement)
        clocked = [
            e.data.trigger_event_id
            for e in published.of(DeadlineSetV2)
            if e.data.rule_id == "statistics-placement-committee"
        ]
        assert clocked == [on_placement.envelope.id]

    async def test_a_follow_up_and_the_end_of_a_placement_each_get_their_clock(
        self, engine, published, case
    ):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.measure_decided(PROPOSED, "placement_with_consent"))
        await engine.handle(case.follow_up(PROPOSED + dt.timedelta(days=90)))
        await engine.handle(case.measure_ended(PROPOSED + dt.timedelta(days=100)))
        found = published.rules(DeadlineSetV2)
        assert {"statistics-placement-follow-up", "statistics-placement-end"} <= set(found)
