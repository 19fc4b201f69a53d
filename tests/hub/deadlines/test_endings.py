"""Which ending withdraws which deadline, and when it is in time (pure functions)."""

import datetime as dt
import json
from dataclasses import replace

from hub.clock import events as ev
from hub.clock.endings import in_time, records_of, withdrawal
from hub.clock.model import Ending
from hub.clock.rules import RULES_BY_ID
from hub.clock.state import Status
from hub.clock.tracked import Step, Tracked
from tests.hub.deadlines.clock import eod, local

AFTERCARE = RULES_BY_ID["aftercare.decision"]
FOLLOW_UP = RULES_BY_ID["follow-up.first"]
APPEAL = RULES_BY_ID["appeal.period"]
START = local(2027, 1, 5, 9)
DUE = eod(2027, 4, 5)


def named(records):
    return dict(records).get


def test_the_trigger_names_the_measure_its_endings_match_on():
    assert records_of(AFTERCARE, {"measure_id": "m-1", "decision_id": "d-1"}) == (
        ("measure_id", "m-1"),
    )
    assert records_of(APPEAL, {"decision_id": "d-1"}) == ()
    assert records_of(FOLLOW_UP, {}) == ()


def test_the_measure_ending_must_name_the_measure():
    ended = {"measure_id": "m-1"}
    found = withdrawal(AFTERCARE, named({"measure_id": "m-1"}), ev.MEASURE_ENDED, ended)
    assert found is not None
    assert found.reason is Ending.MEASURE_ENDED
    other = {"measure_id": "m-2"}
    assert withdrawal(AFTERCARE, named({"measure_id": "m-1"}), ev.MEASURE_ENDED, other) is None


def test_a_deadline_whose_trigger_named_no_measure_is_not_withdrawn_by_one():
    assert withdrawal(AFTERCARE, named({}), ev.MEASURE_ENDED, {"measure_id": "m-1"}) is None


def test_the_case_closing_needs_no_record():
    found = withdrawal(FOLLOW_UP, named({}), ev.CASE_CLOSED, {})
    assert found is not None
    assert found.reason is Ending.CASE_CLOSED


def test_a_rule_that_lists_no_ending_is_never_withdrawn():
    for event_type in (ev.MEASURE_ENDED, ev.CASE_CLOSED):
        assert withdrawal(APPEAL, named({"measure_id": "m-1"}), event_type, {}) is None


def test_in_time_from_the_start_day_to_the_due_time():
    assert in_time(local(2027, 1, 5), START, DUE)  # the start day, before the start
    assert in_time(DUE, START, DUE)
    assert not in_time(DUE + dt.timedelta(microseconds=1), START, DUE)
    assert not in_time(local(2027, 1, 4, 23), START, DUE)


class TestTrackedRecords:
    TRACKED = Tracked(
        deadline_id="dl-1",
        rule_id="aftercare.decision",
        municipality="101",
        case_id="C-1",
        correlation_id="co-1",
        trigger_event_id="e-1",
        link=None,
        starts_at=START,
        due_at=DUE,
        escalate_at=None,
        steps=(Step(Status.SET, START, "e-1"), Step(Status.WITHDRAWN, START, "e-2", reason="x")),
        records=(("measure_id", "m-1"),),
    )

    def test_records_and_the_reason_survive_the_state_topic(self):
        again = Tracked.from_json(json.loads(self.TRACKED.to_json()))
        assert again == self.TRACKED
        assert again.record("measure_id") == "m-1"

    def test_a_deadline_stored_before_records_existed_falls_back_on_its_link(self):
        stored = json.loads(replace(self.TRACKED, records=()).to_json())
        assert "records" not in stored
        assert "reason" not in stored["steps"][0]
        follow_up = Tracked.from_json({**stored, "rule_id": "follow-up.first", "link": "m-1"})
        assert follow_up.record("measure_id") == "m-1"
        assert Tracked.from_json(stored).record("measure_id") is None  # aftercare links none
