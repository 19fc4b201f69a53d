"""Fulfilments read before the trigger whose deadline they answer (topics have no order).

The engine keeps every fulfilment and, when a trigger later sets a deadline it answers,
publishes DeadlineSet then DeadlineMet with the fulfilment's own time. Whether one counts
depends on when it happened, never on the order it was read in: from the clock's start
day always, before it as the rule's ``prior`` says.
"""

import datetime as dt
import json

import pytest
from structlog.testing import capture_logs

from contracts.deadlines import DeadlineMetV2, DeadlineMissedV2, DeadlineSetV2
from hub.clock.state import Status
from hub.clock.tracked import deadline_id, transition_id
from hub.runtime.errors import TransientError
from tests.hub.deadlines.clock import eod, local
from tests.hub.deadlines.recording import (
    Clock,
    Published,
    RecordingChangelog,
    engine_on,
    every_deadline,
)
from tests.people import cpr_for

MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
OPENED = local(2026, 9, 1, 9)
DECIDED = local(2026, 11, 2, 10)
STARTED = local(2026, 11, 9, 10)
START_DUE = eod(2026, 12, 7)  # 4 weeks after the start
START = "statistics-placement-start"


@pytest.fixture
def clock():
    return Clock(STARTED)


def one(events, rule_id):
    (found,) = [e for e in events if e.data.rule_id == rule_id]
    return found


def rules(events):
    return sorted(e.data.rule_id for e in events)


def status(engine, rule_id):
    (found,) = [t for t in every_deadline(engine) if t.rule_id == rule_id]
    return found.status


async def placed(engine, case):
    """A case with a placement decided (the measure's kind is known to the engine)."""
    await engine.handle(case.case_opened(OPENED))
    await engine.handle(case.measure_decided(DECIDED, "placement_with_consent"))


class TestTheStatisticsReport:
    """``ignored``: a report counts from the day of the event it reports."""

    async def test_a_start_report_read_before_the_start_meets_it_at_once(
        self, engine, published, case
    ):
        await placed(engine, case)
        report = case.statistics_report(STARTED + MINUTE, "m-1")
        await engine.handle(report)  # the reporting topic was read first
        assert START not in published.rules(DeadlineSetV2)
        started = case.measure_started(STARTED)
        await engine.handle(started)
        set_ = one(published.of(DeadlineSetV2), START)
        met = one(published.of(DeadlineMetV2), START)
        assert published.events.index(set_) < published.events.index(met)
        assert (met.data.met_at, met.envelope.time) == (STARTED + MINUTE, STARTED + MINUTE)
        assert (met.data.met_by_event_id, met.envelope.causationid) == (
            report.envelope.id,
            report.envelope.id,
        )
        assert met.data.deadline_id == deadline_id(
            "statistics.placement-start", started.envelope.id
        )
        assert met.envelope.id == transition_id(met.data.deadline_id, Status.MET)

    async def test_and_no_miss_follows_when_the_time_passes(self, engine, published, clock, case):
        await placed(engine, case)
        await engine.handle(case.statistics_report(STARTED + MINUTE, "m-1"))
        await engine.handle(case.measure_started(STARTED))
        clock.now = START_DUE + DAY
        await engine.tick()
        assert START not in published.rules(DeadlineMissedV2)

    async def test_a_report_stamped_minutes_before_the_start_on_its_day_counts(
        self, engine, published, case
    ):
        # Another system's clock: the adapter's report a minute "before" the start.
        await placed(engine, case)
        await engine.handle(case.statistics_report(STARTED - MINUTE, "m-1"))
        await engine.handle(case.measure_started(STARTED))
        assert one(published.of(DeadlineMetV2), START).data.met_at == STARTED - MINUTE

    async def test_a_report_of_an_earlier_change_does_not_meet_a_later_one(
        self, engine, published, clock, case
    ):
        await placed(engine, case)
        await engine.handle(case.measure_started(STARTED))
        first = local(2026, 12, 1, 10)
        await engine.handle(case.measure_changed(first))
        await engine.handle(case.statistics_report(first + MINUTE, "m-1", event_code=1))
        later = local(2027, 2, 1, 10)
        await engine.handle(case.measure_changed(later))
        events = [e for e in published.of(DeadlineMetV2) if e.data.rule_id.endswith("event")]
        assert len(events) == 1  # the first change's, not the later one's
        clock.now = eod(2027, 3, 1) + DAY
        await engine.tick()
        assert "statistics-placement-event" in published.rules(DeadlineMissedV2)

    async def test_the_order_read_does_not_matter(self, clock, case):
        """The same events in either order publish the same deadline events."""
        opened = case.case_opened(OPENED)
        decided = case.measure_decided(DECIDED, "placement_with_consent")
        report = case.statistics_report(STARTED + MINUTE, "m-1")
        started = case.measure_started(STARTED)
        outcomes = []
        for last in ((started, report), (report, started)):
            published = Published()
            engine = await engine_on(RecordingChangelog(), published, clock)
            for event in (opened, decided, *last):
                await engine.handle(event)
            outcomes.append({e.envelope.id: e for e in published.events})
        assert outcomes[0] == outcomes[1]


class TestThePlan:
    """``counts if named``: a plan naming the measure counts whenever it was made."""

    async def test_a_plan_made_with_the_proposal_for_the_measure_meets_it(
        self, engine, published, case
    ):
        await engine.handle(case.case_opened(OPENED))
        plan = case.plan_created(DECIDED - 5 * DAY, measure_ids=("m-1",))
        await engine.handle(plan)
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        met = one(published.of(DeadlineMetV2), "plan-supporting-measure")
        assert (met.data.met_at, met.data.met_by_event_id) == (DECIDED - 5 * DAY, plan.envelope.id)

    async def test_an_earlier_plan_that_names_no_measure_does_not(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.plan_created(DECIDED - 5 * DAY, measure_ids=()))
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        assert published.of(DeadlineMetV2) == []
        assert status(engine, "plan.supporting-measure") is Status.SET

    async def test_a_plan_for_another_measure_does_not(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.plan_created(DECIDED + DAY, measure_ids=("m-2",)))
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        assert published.of(DeadlineMetV2) == []

    async def test_a_youth_plan_does_not_meet_the_childs_plan(self, engine, published, case):
        await engine.handle(case.case_opened(OPENED, cpr_for(dt.date(2010, 1, 5))))
        await engine.handle(case.plan_created(DECIDED + DAY, kind="youth_plan"))
        await engine.handle(case.measure_decided(DECIDED, "consultancy"))
        assert published.rules(DeadlineMetV2) == ["plan-youth"]


class TestTheHearing:
    """``ignored``: the hearing the decision needs is held from the day of the proposal."""

    PLANNED = local(2026, 11, 17, 13)

    async def test_a_hearing_read_before_the_proposal_but_held_after_it_meets_it(
        self, engine, published, case
    ):
        await engine.handle(case.case_opened(OPENED))
        await engine.handle(case.child_heard(DECIDED + DAY))  # investigation topic first
        await engine.handle(case.measure_proposed(DECIDED, self.PLANNED, "consultancy"))
        met = one(published.of(DeadlineMetV2), "decision-child-heard")
        assert met.data.met_at == DECIDED + DAY

    @pytest.mark.parametrize("proposal_first", [True, False])
    async def test_a_hearing_held_the_day_before_does_not_in_either_order(
        self, engine, published, case, proposal_first
    ):
        await engine.handle(case.case_opened(OPENED))
        hearing = case.child_heard(DECIDED - DAY)
        proposal = case.measure_proposed(DECIDED, self.PLANNED, "consultancy")
        for event in (proposal, hearing) if proposal_first else (hearing, proposal):
            await engine.handle(event)
        assert published.of(DeadlineMetV2) == []
        await engine.handle(case.measure_decided(self.PLANNED, "consultancy"))
        assert "decision-child-heard" in published.rules(DeadlineMissedV2)


class TestOtherKinds:
    async def test_the_aftercare_decision_counts_whenever_it_was_made(
        self, engine, published, case
    ):
        """``counts``: the case's aftercare decision answers the duty for the child."""
        await engine.handle(case.case_opened(OPENED, cpr_for(dt.date(2009, 5, 15))))
        await engine.handle(case.measure_decided(DECIDED, "placement_with_consent"))
        decision = case.aftercare_decided(DECIDED - 30 * DAY)
        await engine.handle(decision)
        await engine.handle(case.measure_started(STARTED))
        met = one(published.of(DeadlineMetV2), "aftercare-decision")
        assert met.data.met_by_event_id == decision.envelope.id

    async def test_an_appeal_received_before_the_delivery_receipt_meets_the_period(
        self, engine, published, case
    ):
        await engine.handle(case.letter_requested(local(2027, 1, 2), "d-1"))
        await engine.handle(case.appeal("2027-01-02", local(2027, 1, 3)))
        await engine.handle(case.letter_delivered(local(2027, 1, 4, 8)))
        met = one(published.of(DeadlineMetV2), "appeal-period")
        assert met.data.met_at == local(2027, 1, 2)

    async def test_an_appeal_that_met_one_party_s_period_meets_a_later_one_too(
        self, engine, published, case
    ):
        """Kept whether or not it met a deadline: a second letter is delivered later."""
        await engine.handle(case.letter_requested(local(2027, 1, 2), "d-1"))
        await engine.handle(case.letter_delivered(local(2027, 1, 3, 8)))
        await engine.handle(case.appeal("2027-01-10", local(2027, 1, 11)))
        second = case.letter_delivered(local(2027, 1, 20, 8))
        await engine.handle(second)
        assert published.rules(DeadlineMetV2) == ["appeal-period", "appeal-period"]

    async def test_the_committee_decision_the_same_day_meets_the_chairs_urgent_one(
        self, engine, published, case
    ):
        chair = local(2027, 1, 4, 9)
        await engine.handle(case.committee(chair + 6 * 60 * MINUTE, urgent=False))
        await engine.handle(case.committee(chair, urgent=True))
        assert published.rules(DeadlineMetV2) == ["committee-presentation"]

    async def test_an_earlier_committee_decision_does_not(self, engine, published, case):
        chair = local(2027, 1, 4, 9)
        await engine.handle(case.committee(chair - DAY, urgent=False))
        await engine.handle(case.committee(chair, urgent=True))
        assert published.of(DeadlineMetV2) == []

    async def test_an_assessment_read_first_and_made_late_misses_at_the_due_time(
        self, engine, published, case
    ):
        trigger = case.notification(STARTED)
        await engine.handle(
            case.assessed(trigger.data.notification_id, STARTED + dt.timedelta(hours=25))
        )
        await engine.handle(trigger)
        missed = one(published.of(DeadlineMissedV2), "notification-acute-assessment")
        assert missed.envelope.time == STARTED + dt.timedelta(hours=24)
        assert published.of(DeadlineMetV2) == []

    async def test_the_earliest_kept_fulfilment_meets_it(self, engine, published, case):
        trigger = case.notification(STARTED)
        notification = trigger.data.notification_id
        await engine.handle(case.receipt_sent(notification, STARTED + 3 * DAY))
        first = case.receipt_sent(notification, STARTED + DAY)
        await engine.handle(first)
        await engine.handle(trigger)
        met = one(published.of(DeadlineMetV2), "notification-receipt")
        assert (met.data.met_at, met.data.met_by_event_id) == (STARTED + DAY, first.envelope.id)

    async def test_an_investigation_step_read_first_meets_it(self, engine, published, case):
        await engine.handle(case.provisional_assessment(local(2027, 1, 10, 9)))
        await engine.handle(case.investigation_started(local(2026, 11, 2, 9), "2026-10-20"))
        assert published.rules(DeadlineMetV2) == ["investigation-provisional-assessment"]


class TestWhatIsKept:
    async def test_ids_kinds_and_codes_only(self, engine, changelog, case):
        report = case.statistics_report(STARTED, "m-1")
        await engine.handle(report)
        plan = case.plan_created(STARTED, measure_ids=("m-1", "m-2"))
        await engine.handle(plan)
        kept = json.loads(changelog.records["101", f"early:{report.envelope.id}"])
        # The event code tells the statistics clocks apart (a follow-up's report does not
        # meet the clock of the measure's end); the engine keeps measure kinds already.
        assert kept["fields"] == {"kind": "placement", "event_code": 0, "subject_id": "m-1"}
        assert kept["happened_at"] == STARTED.isoformat()
        assert kept["case_id"] == case.case_id
        kept = json.loads(changelog.records["101", f"early:{plan.envelope.id}"])
        assert kept["fields"] == {"kind": "child_plan", "measure_ids": ["m-1", "m-2"]}

    async def test_what_fulfils_no_rule_is_not_kept(self, engine, changelog, case):
        await engine.handle(case.notification_report(STARTED, "n-1"))
        await engine.handle(case.committee(STARTED, urgent=True))  # a trigger, not an answer
        assert not [k for _, k in changelog.records if k.startswith("early:")]

    async def test_a_redelivery_keeps_the_first_expiry(self, engine, changelog, clock, case):
        report = case.statistics_report(STARTED, "m-1")
        await engine.handle(report)
        first = changelog.records["101", f"early:{report.envelope.id}"]
        clock.now += DAY
        await engine.handle(report)
        assert changelog.records["101", f"early:{report.envelope.id}"] == first
        assert changelog.store_writes.count(("101", f"early:{report.envelope.id}")) == 1


class TestExpiry:
    async def test_a_kept_fulfilment_expires_and_the_ticker_deletes_it(
        self, changelog, published, clock, case
    ):
        engine = await engine_on(changelog, published, clock, remember_for=dt.timedelta(days=7))
        await placed(engine, case)
        report = case.statistics_report(STARTED + MINUTE, "m-1")
        await engine.handle(report)
        key = ("101", f"early:{report.envelope.id}")
        clock.now = STARTED + 7 * DAY - MINUTE
        await engine.tick()
        assert key in changelog.records
        clock.now = STARTED + 7 * DAY
        await engine.tick()
        assert key not in changelog.records
        after = await engine_on(changelog, published, clock)
        await after.handle(case.measure_started(STARTED))
        assert START not in published.rules(DeadlineMetV2)

    async def test_an_expired_one_is_ignored_before_the_ticker_deletes_it(
        self, changelog, published, clock, case
    ):
        engine = await engine_on(changelog, published, clock, remember_for=dt.timedelta(days=7))
        await placed(engine, case)
        await engine.handle(case.statistics_report(STARTED + MINUTE, "m-1"))
        clock.now = STARTED + 8 * DAY  # no tick in between
        await engine.handle(case.measure_started(STARTED))
        assert START not in published.rules(DeadlineMetV2)

    async def test_a_refused_delete_is_tried_again_on_the_next_tick(
        self, changelog, published, clock, case
    ):
        engine = await engine_on(changelog, published, clock, remember_for=dt.timedelta(days=7))
        report = case.statistics_report(STARTED, "m-1")
        await engine.handle(report)
        clock.now = STARTED + 8 * DAY
        changelog.refuse = 1
        with pytest.raises(TransientError):
            await engine.tick()
        await engine.tick()
        assert ("101", f"early:{report.envelope.id}") not in changelog.records

    async def test_the_default_is_a_year(self, engine, changelog, case):
        report = case.statistics_report(STARTED, "m-1")
        await engine.handle(report)
        kept = json.loads(changelog.records["101", f"early:{report.envelope.id}"])
        assert dt.datetime.fromisoformat(kept["expires_at"]) == STARTED + dt.timedelta(days=366)


class TestRestart:
    async def test_a_fulfilment_kept_before_a_restart_meets_the_trigger_after_it(
        self, engine, changelog, published, clock, case
    ):
        await placed(engine, case)
        report = case.statistics_report(STARTED + MINUTE, "m-1")
        await engine.handle(report)
        after = await engine_on(changelog, published, clock)
        await after.handle(case.measure_started(STARTED))
        met = one(published.of(DeadlineMetV2), START)
        assert met.data.met_by_event_id == report.envelope.id

    async def test_set_and_met_are_published_once_each_across_a_crash_in_between(
        self, engine, changelog, published, clock, case
    ):
        await placed(engine, case)
        await engine.handle(case.statistics_report(STARTED + MINUTE, "m-1"))
        started = case.measure_started(STARTED)
        published.refuse = 1  # set and met are recorded; the broker refuses the set
        with pytest.raises(TransientError):
            await engine.handle(started)
        assert START not in published.rules(DeadlineSetV2)
        after = await engine_on(changelog, published, clock)  # publishes what was recorded
        await after.handle(started)  # and the redelivered trigger adds nothing
        await after.tick()
        mine = [e for e in published.events if e.data.rule_id == START]
        assert [type(e.data) for e in mine] == [DeadlineSetV2, DeadlineMetV2]


async def test_the_logs_carry_ids_never_the_child(engine, case):
    cpr = cpr_for(dt.date(2009, 5, 15), 321)
    with capture_logs() as logs:
        await engine.handle(case.case_opened(OPENED, cpr))
        await engine.handle(case.measure_decided(DECIDED, "placement_with_consent"))
        await engine.handle(case.statistics_report(STARTED, "m-1"))
        await engine.handle(case.aftercare_decided(STARTED))
        await engine.handle(case.measure_started(STARTED))
        await engine.handle(case.measure_ended(STARTED + DAY))
        await engine.handle(case.case_closed(STARTED + 2 * DAY))
    text = json.dumps(logs, default=str)
    assert logs
    for secret in (cpr, f"{cpr[:6]}-{cpr[6:]}", "2009-05-15", "2009, 5, 15"):
        assert secret not in text
