"""The conformance checks on records built here: each problem found, named without values."""

import datetime as dt

from contracts.binding import to_kafka
from contracts.case import CaseOpened, CaseWorkerAssigned, SubProcess
from contracts.envelope import follow_up
from hub.conformance.checks import Answer, check_answers
from hub.conformance.run import hub_side_events

AT = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)


def answer(event, partition=0, offset=0, topic="casehub.101.case.v1"):
    record = to_kafka(event)
    return Answer(topic, partition, offset, list(record.headers), record.value)


def opened(cause):
    data = CaseOpened(opened_at=AT, child_cpr=cause.data.registered_cpr,
                      sub_process=SubProcess.CLARIFICATION, kle="27.24.00")  # fmt: skip
    return follow_up(cause, data, source="urn:vendor:t")


def assigned(cause):
    data = CaseWorkerAssigned(assigned_at=AT, caseworker_id="w-1")
    return follow_up(cause, data, source="urn:vendor:t")


def test_an_unanswered_notification_is_named_by_its_event_id():
    first, second = hub_side_events("101", 2)
    result = check_answers([first, second], [answer(opened(first))])
    assert result.problems["answered"] == [f"no answer caused by event {second.envelope.id}"]
    assert result.lines()[0] == "PASS contract"


def test_a_case_spread_over_partitions_fails_ordering():
    [cause] = hub_side_events("101", 1)
    answers = [answer(opened(cause), 0, 0), answer(assigned(cause), 1, 0)]
    [problem] = check_answers([cause], answers).problems["ordering"]
    assert "more than one partition" in problem


def test_a_record_that_is_no_event_names_its_address():
    [cause] = hub_side_events("101", 1)
    broken = Answer("casehub.101.case.v1", 0, 4, [], b"{}")
    [problem] = check_answers([cause], [answer(opened(cause)), broken]).problems["contract"]
    assert problem.startswith("casehub.101.case.v1:0:4 is not a valid event:")


def test_a_redelivery_answered_with_the_same_ids_is_idempotent():
    [cause] = hub_side_events("101", 1)
    answers = [answer(opened(cause), 0, 0), answer(assigned(cause), 0, 1),
               answer(opened(cause), 0, 2), answer(assigned(cause), 0, 3)]  # fmt: skip
    result = check_answers([cause, cause], answers)
    assert result.passed, result.lines()
