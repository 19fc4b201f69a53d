import datetime as dt

import pytest

from hub.clock import events as ev
from hub.clock.conditions import applies
from hub.clock.facts import EventDataError
from hub.clock.model import Condition
from hub.clock.rules import RULES_BY_ID
from hub.clock.schedule import due_times
from hub.clock.triggers import deadlines_for
from tests.hub.deadlines.clock import eod, local
from tests.people import cpr_for

D = dt.date
TIME = local(2026, 3, 2, 10)


def ids(found):
    return [deadline.rule_id for deadline in found]


CHILD = D(2016, 3, 14)  # nine on TIME: no youth plan, aftercare years away


def measure(kind, birth=CHILD, **extra):
    return {
        "kind": kind,
        "consent": kind != "placement_without_consent",
        "child_birth_date": birth.isoformat(),
        **extra,
    }


def proposal(kind, planned="2026-03-16T13:00:00+01:00"):
    return {**measure(kind), "proposed_at": TIME.isoformat(), "decision_planned_at": planned}


class TestWhichRules:
    def test_notification_sets_assessment_and_receipt_from_received_at(self):
        data = {"received_at": "2026-04-01T08:00:00+00:00"}
        found = deadlines_for(ev.NOTIFICATION_RECEIVED, data, local(2026, 4, 1, 12))
        assert ids(found) == ["notification.acute-assessment", "notification.receipt"]
        assert found[0].due_at == local(2026, 4, 2, 10)
        assert found[1].due_at == eod(2026, 4, 14)

    def test_an_event_that_starts_no_clock_sets_nothing(self):
        assert deadlines_for(ev.NOTIFICATION_ASSESSED, {}, TIME) == ()
        assert deadlines_for("dk.casehub.unknown.thing", {"x": 1}, TIME) == ()

    def test_investigation_counts_from_the_day_the_municipality_became_aware(self):
        data = {"aware_since": "2026-10-31"}
        found = deadlines_for(ev.INVESTIGATION_STARTED, data, local(2026, 11, 20))
        assert ids(found) == ["investigation.completed", "investigation.provisional-assessment"]
        assert {deadline.starts_at for deadline in found} == {local(2026, 10, 31)}
        assert {deadline.due_at for deadline in found} == {eod(2027, 2, 28)}

    @pytest.mark.parametrize("kind", ["consultancy", "respite_care", "other_support"])
    def test_supporting_measure(self, kind):
        found = deadlines_for(ev.MEASURE_DECIDED, measure(kind), TIME)
        assert ids(found) == ["plan.supporting-measure"]

    def test_placement_with_consent(self):
        found = deadlines_for(ev.MEASURE_DECIDED, measure("placement_with_consent"), TIME)
        assert ids(found) == ["plan.placement", "statistics.placement-decision"]

    def test_placement_without_consent_is_reported(self):
        decided = deadlines_for(ev.MEASURE_DECIDED, measure("placement_without_consent"), TIME)
        assert ids(decided) == ["statistics.placement-decision"]

    @pytest.mark.parametrize(
        ("consent", "expected"),
        [
            (True, ["plan.placement", "statistics.placement-decision"]),
            (False, ["statistics.placement-decision"]),
        ],
    )
    def test_a_young_persons_placement_follows_consent(self, consent, expected):
        data = {**measure("placement_of_young_person"), "consent": consent}
        assert ids(deadlines_for(ev.MEASURE_DECIDED, data, TIME)) == expected

    def test_placement_start(self):
        found = deadlines_for(ev.MEASURE_STARTED, measure("placement_with_consent"), TIME)
        assert ids(found) == ["follow-up.first", "aftercare.decision", "statistics.placement-start"]

    def test_follow_up_reads_the_parallel_investigation(self):
        data = measure("consultancy", investigation_ends_on="2026-04-15")
        (follow_up,) = deadlines_for(ev.MEASURE_STARTED, data, TIME)
        assert follow_up.due_at == eod(2026, 4, 15)

    def test_placement_event(self):
        found = deadlines_for(ev.MEASURE_CHANGED, {"change": "placement_place"}, TIME)
        assert ids(found) == ["statistics.placement-event"]
        assert deadlines_for(ev.MEASURE_CHANGED, {"change": "extent"}, TIME) == ()

    def test_only_the_chairs_urgent_decision_starts_the_committee_clock(self):
        found = deadlines_for(ev.COMMITTEE_DECIDED, {"urgent": True}, TIME)
        assert ids(found) == ["committee.presentation"]
        assert deadlines_for(ev.COMMITTEE_DECIDED, {"urgent": False}, TIME) == ()


class TestStatisticsClocks:
    """The 4-week clocks of codes 3-6 and the transfer: which events set them."""

    @pytest.mark.parametrize(
        ("kind", "clocked"),
        [
            ("placement_with_consent", True),
            ("placement_without_consent", True),
            ("placement_of_young_person", False),  # form 3 has no follow-up code
            ("consultancy", False),
            (None, False),  # the decision not read yet: no clock, and no error
        ],
    )
    def test_a_follow_up_on_a_child_s_placement(self, kind, clocked):
        data = {"measure_id": "m-1"} | ({} if kind is None else {"kind": kind})
        found = ids(deadlines_for(ev.FOLLOW_UP_COMPLETED, data, TIME))
        assert found == (["statistics.placement-follow-up"] if clocked else [])

    @pytest.mark.parametrize(
        ("kind", "clocked"),
        [
            ("placement_with_consent", True),
            ("placement_of_young_person", True),  # form 3 code 5
            ("respite_care", False),
            (None, False),
        ],
    )
    def test_the_end_of_a_placement_counts_from_its_last_day(self, kind, clocked):
        data = {"measure_id": "m-1", "ended_on": "2026-03-02"}
        data |= {} if kind is None else {"kind": kind}
        found = deadlines_for(ev.MEASURE_ENDED, data, local(2026, 3, 20, 9))
        assert ids(found) == (["statistics.placement-end"] if clocked else [])
        if clocked:
            assert found[0].due_at == eod(2026, 3, 30)

    @pytest.mark.parametrize(
        ("extra", "clocked"),
        [
            ({"legal_basis": {"law": "BL", "paragraph": "47"}}, True),
            ({"legal_basis": {"law": "SEL", "paragraph": "58"}}, True),
            ({"legal_basis": {"law": "BL", "paragraph": "46"}}, False),  # no measure known
            (
                {"legal_basis": {"law": "BL", "paragraph": "46"}, "kind": "placement_with_consent"},
                True,
            ),
            ({"legal_basis": {"law": "BL", "paragraph": "47"}, "kind": "consultancy"}, False),
            (
                {
                    "legal_basis": {"law": "BL", "paragraph": "47"},
                    "kind": "placement_of_young_person",
                },
                False,
            ),
        ],
    )
    def test_a_committee_decision_on_a_child_s_placement(self, extra, clocked):
        data = {"urgent": False, "decision_id": "d-1", **extra}
        found = ids(deadlines_for(ev.COMMITTEE_DECIDED, data, TIME))
        assert found == (["statistics.placement-committee"] if clocked else [])

    def test_every_aftercare_decision_and_every_accepted_handover(self):
        aftercare = {"decision_id": "a-1", "decided_at": TIME.isoformat(), "granted": False}
        assert "statistics.aftercare-decision" in ids(
            deadlines_for(ev.AFTERCARE_DECIDED, aftercare, TIME)
        )
        accepted = {"handover_id": "h-1", "accepted_at": TIME.isoformat()}
        (transfer,) = deadlines_for(ev.HANDOVER_ACCEPTED, accepted, TIME)
        assert transfer.rule_id == "statistics.responsibility-transfer"
        assert transfer.due_at == eod(2026, 3, 30)

    @pytest.mark.parametrize(
        ("condition", "code"),
        [
            (Condition.FOLLOW_UP_REPORT, 3),
            (Condition.COMMITTEE_REPORT, 4),
            (Condition.END_REPORT, 5),
            (Condition.AFTERCARE_REPORT, 6),
        ],
    )
    def test_each_clock_is_met_only_by_a_report_of_its_code(self, condition, code):
        for other in range(7):
            report = {"kind": "placement", "event_code": other, "subject_id": "m-1"}
            assert applies(condition, report, TIME) is (other == code)
        assert not applies(condition, {"kind": "notification", "event_code": code}, TIME)


class TestBeforeTheDecision:
    def test_a_proposal_sets_the_hearing_due_when_the_decision_is_planned(self):
        (heard,) = deadlines_for(ev.MEASURE_PROPOSED, proposal("consultancy"), local(2026, 3, 3))
        assert heard.rule_id == "decision.child-heard"
        assert heard.starts_at == TIME
        assert heard.due_at == local(2026, 3, 16, 13)
        assert heard.escalate_at == eod(2026, 3, 9)

    @pytest.mark.parametrize(
        ("kind", "consent", "plan"),
        [
            ("placement_without_consent", False, True),
            ("placement_of_young_person", False, True),
            ("placement_of_young_person", True, False),
            ("placement_with_consent", True, False),
        ],
    )
    def test_a_placement_without_consent_needs_its_plan_first(self, kind, consent, plan):
        data = {**proposal(kind), "consent": consent}
        expected = ["decision.child-heard"] + (["plan.placement-without-consent"] * plan)
        assert ids(deadlines_for(ev.MEASURE_PROPOSED, data, TIME)) == expected

    def test_the_decision_sets_no_hearing_and_no_plan_before_it(self):
        found = ids(deadlines_for(ev.MEASURE_DECIDED, measure("placement_without_consent"), TIME))
        assert "decision.child-heard" not in found
        assert "plan.placement-without-consent" not in found


class TestYouthPlan:
    """BL §108: from the 16th birthday, on the day of the decision (TIME: 2 March 2026)."""

    @pytest.mark.parametrize(
        ("birth", "youth"),
        [
            (D(2010, 3, 2), True),  # the 16th birthday
            (D(2010, 3, 3), False),  # 16 tomorrow
            (D(2008, 3, 2), True),  # 18: still a young person with a measure
            (D(2010, 2, 28), True),
        ],
    )
    def test_from_the_16th_birthday(self, birth, youth):
        found = ids(deadlines_for(ev.MEASURE_DECIDED, measure("consultancy", birth), TIME))
        assert ("plan.youth" in found) is youth

    @pytest.mark.parametrize(
        ("day", "youth"), [(local(2028, 2, 28, 23, 59), False), (local(2028, 2, 29), True)]
    )
    def test_a_leapling_turns_16_on_29_february(self, day, youth):
        data = measure("consultancy", D(2012, 2, 29))
        assert ("plan.youth" in ids(deadlines_for(ev.MEASURE_DECIDED, data, day))) is youth

    def test_due_three_months_after_the_decision(self):
        data = measure("placement_with_consent", D(2009, 1, 1))
        found = {d.rule_id: d for d in deadlines_for(ev.MEASURE_DECIDED, data, TIME)}
        assert set(found) == {"plan.placement", "plan.youth", "statistics.placement-decision"}
        assert found["plan.youth"].due_at == eod(2026, 6, 2)
        assert found["plan.youth"].escalate_at == eod(2026, 5, 19)

    def test_the_age_counts_on_the_danish_day(self):
        data = measure("consultancy", D(2010, 3, 3))
        late_utc = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)  # 3 March, 00:30 locally
        assert "plan.youth" in ids(deadlines_for(ev.MEASURE_DECIDED, data, late_utc))

    def test_birth_date_is_read_from_a_synthetic_cpr_number(self):
        data = {"kind": "consultancy", "child_cpr": cpr_for(D(2010, 3, 2))}
        assert applies(Condition.AGE_16_PLUS, data, TIME)


class TestAftercare:
    """SEL §68 stk. 12: at least 6 months before the 18th birthday, for a placed child."""

    def started(self, birth, at):
        found = deadlines_for(ev.MEASURE_STARTED, measure("placement_with_consent", birth), at)
        return {d.rule_id: d for d in found}.get("aftercare.decision")

    def test_six_months_before_the_18th_birthday(self):
        aftercare = self.started(D(2010, 5, 15), TIME)
        assert aftercare is not None
        assert aftercare.due_at == eod(2027, 11, 15)
        assert aftercare.escalate_at == eod(2027, 10, 18)

    @pytest.mark.parametrize(
        ("start", "due"),
        [
            (local(2027, 11, 14, 9), eod(2027, 11, 15)),  # the day before: still that day
            (local(2027, 11, 15, 9), eod(2027, 11, 15)),  # exactly 6 months before
            (local(2027, 11, 16, 9), eod(2027, 11, 16)),  # later: due at once, that day
            (local(2028, 5, 14, 9), eod(2028, 5, 14)),  # the day before the 18th birthday
        ],
    )
    def test_a_placement_starting_later_than_that_is_due_at_once(self, start, due):
        aftercare = self.started(D(2010, 5, 15), start)
        assert aftercare is not None
        assert aftercare.due_at == due
        assert aftercare.escalate_at is not None
        assert aftercare.escalate_at <= due

    def test_none_from_the_18th_birthday(self):
        assert self.started(D(2010, 5, 15), local(2028, 5, 15)) is None

    def test_none_for_a_supporting_measure(self):
        data = measure("consultancy", D(2010, 5, 15))
        assert "aftercare.decision" not in ids(deadlines_for(ev.MEASURE_STARTED, data, TIME))

    def test_a_leapling_is_due_28_august_before_turning_18_on_28_february(self):
        aftercare = self.started(D(2008, 2, 29), local(2020, 4, 1, 9))
        assert aftercare is not None
        assert aftercare.due_at == eod(2025, 8, 28)

    def test_a_leapling_placed_late_is_due_at_once(self):
        start = local(2025, 12, 1, 9)
        deadline = due_times(RULES_BY_ID["aftercare.decision"], start, birth_date=D(2008, 2, 29))
        assert deadline.due_at == eod(2025, 12, 1)

    def test_no_aftercare_clock_for_an_adult(self):
        data = {"kind": "placement_with_consent", "child_birth_date": "2008-03-02"}
        assert not applies(Condition.PLACEMENT_UNDER_18, data, TIME)


class TestAppeal:
    def test_starts_on_the_delivery_receipt(self):
        delivered = local(2027, 1, 3, 8)
        data = {"decision_id": "d-17", "delivered_at": delivered.isoformat()}
        (appeal,) = deadlines_for(ev.LETTER_DELIVERED, data, local(2027, 1, 5))
        assert appeal.rule_id == "appeal.period"
        assert appeal.starts_at == delivered
        assert appeal.due_at == eod(2027, 1, 31)

    def test_a_decision_alone_starts_no_appeal_clock(self):
        for kind in ("consultancy", "placement_with_consent", "placement_without_consent"):
            assert "appeal.period" not in ids(
                deadlines_for(ev.MEASURE_DECIDED, measure(kind), TIME)
            )

    def test_a_letter_without_a_decision_starts_no_appeal_clock(self):
        delivered = {"delivered_at": TIME.isoformat()}
        assert deadlines_for(ev.LETTER_DELIVERED, delivered, TIME) == ()
        assert deadlines_for(ev.LETTER_DELIVERED, {**delivered, "decision_id": "  "}, TIME) == ()


class TestBadData:
    SECRET = cpr_for(D(2012, 7, 9))

    @pytest.mark.parametrize(
        ("event_type", "data", "where"),
        [
            (ev.NOTIFICATION_RECEIVED, {}, "data.received_at"),
            (ev.NOTIFICATION_RECEIVED, {"received_at": SECRET}, "data.received_at"),
            (ev.NOTIFICATION_RECEIVED, {"received_at": "2026-04-01T08:00:00"}, "data.received_at"),
            (ev.MEASURE_DECIDED, {"kind": SECRET}, "data.kind"),
            (ev.MEASURE_DECIDED, {"kind": "placement_of_young_person"}, "data.consent"),
            (ev.INVESTIGATION_STARTED, {"aware_since": SECRET}, "data.aware_since"),
            (ev.COMMITTEE_DECIDED, {"urgent": SECRET}, "data.urgent"),
            (
                ev.MEASURE_DECIDED,
                measure("consultancy") | {"child_birth_date": SECRET},
                "data.child_birth_date",
            ),
            (ev.MEASURE_DECIDED, {"kind": "consultancy", "consent": True}, "data.child_birth_date"),
            (
                ev.MEASURE_PROPOSED,
                proposal("consultancy", planned=SECRET),
                "data.decision_planned_at",
            ),
            (
                ev.MEASURE_STARTED,
                measure("consultancy", investigation_ends_on=SECRET),
                "data.investigation_ends_on",
            ),
        ],
    )
    def test_names_the_field_never_the_value(self, event_type, data, where):
        with pytest.raises(EventDataError) as caught:
            deadlines_for(event_type, data, TIME)
        message = str(caught.value)
        assert message.startswith(where + ":")
        assert self.SECRET not in message
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__ or caught.value.__context__ is None
