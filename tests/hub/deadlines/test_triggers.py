import datetime as dt

import pytest

from hub.deadlines import events as ev
from hub.deadlines.facts import EventDataError
from hub.deadlines.triggers import deadlines_for
from tests.hub.deadlines.clock import eod, local
from tests.people import cpr_for

D = dt.date
TIME = local(2026, 3, 2, 10)


def ids(found):
    return [deadline.rule_id for deadline in found]


CHILD_BIRTH = D(2016, 3, 14)


def measure(kind, birth=CHILD_BIRTH, **extra):
    return {"measure_kind": kind, "child_birth_date": birth.isoformat(), **extra}


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

    def test_investigation_counts_from_aware_at(self):
        data = {"aware_at": "2026-10-31T09:00:00+01:00"}
        found = deadlines_for(ev.INVESTIGATION_OPENED, data, local(2026, 11, 20))
        assert ids(found) == ["investigation.completed", "investigation.provisional-assessment"]
        assert {deadline.due_at for deadline in found} == {eod(2027, 2, 28)}

    def test_supporting_measure(self):
        found = deadlines_for(ev.MEASURE_DECIDED, measure("supporting"), TIME)
        assert ids(found) == ["plan.supporting-measure"]

    def test_placement_with_consent(self):
        found = deadlines_for(ev.MEASURE_DECIDED, measure("placement_with_consent"), TIME)
        assert ids(found) == ["plan.placement", "statistics.placement-decision"]

    def test_placement_without_consent_needs_its_plan_before_the_decision(self):
        proposed = deadlines_for(ev.MEASURE_PROPOSED, measure("placement_without_consent"), TIME)
        assert ids(proposed) == ["decision.child-heard", "plan.placement-without-consent"]
        decided = deadlines_for(ev.MEASURE_DECIDED, measure("placement_without_consent"), TIME)
        assert ids(decided) == ["statistics.placement-decision"]

    def test_proposed_supporting_measure_only_needs_the_child_heard(self):
        found = deadlines_for(ev.MEASURE_PROPOSED, measure("supporting"), TIME)
        assert ids(found) == ["decision.child-heard"]

    def test_placement_start(self):
        found = deadlines_for(ev.MEASURE_STARTED, measure("placement_with_consent"), TIME)
        assert ids(found) == ["follow-up.first", "statistics.placement-start", "aftercare.decision"]
        assert found[2].due_at == eod(2033, 9, 14)  # 18 on 14 March 2034

    def test_follow_up_reads_the_parallel_investigation(self):
        data = measure("supporting", investigation_ends_on="2026-04-15")
        (follow_up,) = deadlines_for(ev.MEASURE_STARTED, data, TIME)
        assert follow_up.due_at == eod(2026, 4, 15)

    def test_placement_event_and_committee(self):
        assert ids(deadlines_for(ev.PLACEMENT_CHANGED, {}, TIME)) == ["statistics.placement-event"]
        assert ids(deadlines_for(ev.URGENT_DECISION_MADE, {}, TIME)) == ["committee.presentation"]


class TestAge:
    @pytest.mark.parametrize(
        ("birth", "youth_plan"),
        [(D(2010, 3, 2), True), (D(2010, 3, 3), False), (D(2008, 2, 29), True)],
    )
    def test_youth_plan_from_the_16th_birthday(self, birth, youth_plan):
        found = ids(deadlines_for(ev.MEASURE_DECIDED, measure("supporting", birth), TIME))
        assert ("plan.youth" in found) is youth_plan

    def test_birth_date_is_read_from_a_synthetic_cpr_number(self):
        data = {"measure_kind": "supporting", "child_cpr": cpr_for(D(2010, 3, 2))}
        assert "plan.youth" in ids(deadlines_for(ev.MEASURE_DECIDED, data, TIME))

    def test_no_aftercare_clock_for_an_adult(self):
        found = deadlines_for(
            ev.MEASURE_STARTED, measure("placement_with_consent", D(2008, 3, 2)), TIME
        )
        assert "aftercare.decision" not in ids(found)

    def test_aftercare_for_a_leapling_placed_late_is_due_at_once(self):
        start = local(2025, 12, 1, 9)
        found = deadlines_for(
            ev.MEASURE_STARTED, measure("placement_with_consent", D(2008, 2, 29)), start
        )
        assert found[-1].rule_id == "aftercare.decision"
        assert found[-1].due_at == eod(2025, 12, 1)


class TestAppeal:
    def test_starts_on_the_delivery_receipt(self):
        delivered = local(2027, 1, 3, 8)
        (appeal,) = deadlines_for(ev.LETTER_DELIVERED, {"decision_id": "d-17"}, delivered)
        assert appeal.rule_id == "appeal.period"
        assert appeal.starts_at == delivered
        assert appeal.due_at == eod(2027, 1, 31)

    def test_a_decision_alone_starts_no_appeal_clock(self):
        for kind in ("supporting", "placement_with_consent", "placement_without_consent"):
            assert "appeal.period" not in ids(
                deadlines_for(ev.MEASURE_DECIDED, measure(kind), TIME)
            )

    def test_a_letter_without_a_decision_starts_no_appeal_clock(self):
        assert deadlines_for(ev.LETTER_DELIVERED, {}, TIME) == ()
        assert deadlines_for(ev.LETTER_DELIVERED, {"decision_id": "  "}, TIME) == ()


class TestBadData:
    SECRET = cpr_for(D(2012, 7, 9))

    @pytest.mark.parametrize(
        ("event_type", "data", "where"),
        [
            (ev.NOTIFICATION_RECEIVED, {}, "data.received_at"),
            (ev.NOTIFICATION_RECEIVED, {"received_at": SECRET}, "data.received_at"),
            (ev.NOTIFICATION_RECEIVED, {"received_at": "2026-04-01T08:00:00"}, "data.received_at"),
            (ev.MEASURE_DECIDED, {"measure_kind": SECRET}, "data.measure_kind"),
            (ev.MEASURE_DECIDED, {"measure_kind": "supporting"}, "data.child_birth_date"),
            (
                ev.MEASURE_DECIDED,
                {"measure_kind": "supporting", "child_birth_date": SECRET},
                "data.child_birth_date",
            ),
            (
                ev.MEASURE_DECIDED,
                {"measure_kind": "supporting", "child_cpr": "1" + SECRET},
                "data.child_cpr",
            ),
            (
                ev.MEASURE_STARTED,
                measure("supporting", investigation_ends_on=SECRET),
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
