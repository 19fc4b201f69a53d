import datetime as dt

import pytest

from hub.deadlines import events as ev
from hub.deadlines.conditions import applies
from hub.deadlines.facts import EventDataError
from hub.deadlines.model import Condition
from hub.deadlines.rules import RULES_BY_ID
from hub.deadlines.schedule import due_times
from hub.deadlines.triggers import deadlines_for
from tests.hub.deadlines.clock import eod, local
from tests.people import cpr_for

D = dt.date
TIME = local(2026, 3, 2, 10)


def ids(found):
    return [deadline.rule_id for deadline in found]


def measure(kind, **extra):
    return {"kind": kind, "consent": kind != "placement_without_consent", **extra}


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
        data = {"kind": "placement_of_young_person", "consent": consent}
        assert ids(deadlines_for(ev.MEASURE_DECIDED, data, TIME)) == expected

    def test_placement_start(self):
        found = deadlines_for(ev.MEASURE_STARTED, measure("placement_with_consent"), TIME)
        assert ids(found) == ["follow-up.first", "statistics.placement-start"]

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


class TestAge:
    """The age conditions of the set-aside rules, judged directly."""

    @pytest.mark.parametrize(
        ("birth", "youth"),
        [(D(2010, 3, 2), True), (D(2010, 3, 3), False), (D(2008, 2, 29), True)],
    )
    def test_youth_plan_from_the_16th_birthday(self, birth, youth):
        data = {"kind": "consultancy", "child_birth_date": birth.isoformat()}
        assert applies(Condition.AGE_16_PLUS, data, TIME) is youth

    def test_birth_date_is_read_from_a_synthetic_cpr_number(self):
        data = {"kind": "consultancy", "child_cpr": cpr_for(D(2010, 3, 2))}
        assert applies(Condition.AGE_16_PLUS, data, TIME)

    def test_no_aftercare_clock_for_an_adult(self):
        data = {"kind": "placement_with_consent", "child_birth_date": "2008-03-02"}
        assert not applies(Condition.PLACEMENT_UNDER_18, data, TIME)

    def test_aftercare_for_a_leapling_placed_late_is_due_at_once(self):
        start = local(2025, 12, 1, 9)
        deadline = due_times(RULES_BY_ID["aftercare.decision"], start, birth_date=D(2008, 2, 29))
        assert deadline.due_at == eod(2025, 12, 1)


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
