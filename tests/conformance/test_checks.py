"""The conformance checks on records built here: each problem found, named without values."""

import datetime as dt

from contracts.binding import to_kafka
from contracts.case import CaseOpened, CaseWorkerAssigned, SubProcess
from contracts.envelope import follow_up, follow_up_id, new_event
from contracts.letters import LetterPurpose, LetterRequested
from hub.conformance.checks import Answer, check_answers
from hub.conformance.play import notifications, person_resolved

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
    first, second = notifications("101", 2)
    result = check_answers([first, second], [answer(opened(first))])
    assert result.problems["answered"] == [
        f"no answer caused by dk.casehub.notification.received {second.envelope.id}"
    ]
    assert result.lines()[0] == "PASS contract"


def test_a_case_spread_over_partitions_fails_ordering():
    [cause] = notifications("101", 1)
    answers = [answer(opened(cause), 0, 0), answer(assigned(cause), 1, 0)]
    [problem] = check_answers([cause], answers).problems["ordering"]
    assert "more than one partition" in problem


def test_a_record_that_is_no_event_names_its_address():
    [cause] = notifications("101", 1)
    broken = Answer("casehub.101.case.v1", 0, 4, [], b"{}")
    [problem] = check_answers([cause], [answer(opened(cause)), broken]).problems["contract"]
    assert problem.startswith("casehub.101.case.v1:0:4 is not a valid event:")


def test_a_redelivery_answered_with_the_same_ids_is_idempotent():
    [cause] = notifications("101", 1)
    answers = [answer(opened(cause), 0, 0), answer(assigned(cause), 0, 1),
               answer(opened(cause), 0, 2), answer(assigned(cause), 0, 3)]  # fmt: skip
    result = check_answers([cause, cause], answers)
    assert result.passed, result.lines()


def letter(cause, n=0, *, fresh=False):
    data = LetterRequested(
        letter_id=f"L-{cause.envelope.id[:8]}-{n}",
        recipient_cpr=cause.data.related[0].cpr,
        purpose=LetterPurpose.OTHER,
        title="Underretning",
        body="Kommunen har modtaget en underretning.",
    )
    event_id = None if fresh else follow_up_id(cause.envelope.id, f"{data.event_type}/{n}")
    return new_event(data, source="urn:vendor:t", municipality="101",
                     case_id=cause.envelope.caseid, causation_id=cause.envelope.id,
                     event_id=event_id)  # fmt: skip


LETTERS = "casehub.101.letter.v1"


def test_a_person_resolved_wants_a_letter_to_each_custody_holder():
    [cause] = notifications("101", 1)
    person = person_resolved(cause, cause.envelope.caseid, 0)
    answers = [answer(opened(cause)), answer(assigned(person), 0, 1)]  # an answer, no letter
    [problem] = check_answers([cause, person], answers).problems["answered"]
    assert problem == (f"dk.casehub.person.resolved {person.envelope.id} names 1 custody "
                       "holder(s), answered with 0 LetterRequested")  # fmt: skip
    assert person.data.related[0].cpr.reveal() not in problem
    answers = [answer(opened(cause)), answer(letter(person), topic=LETTERS)]
    assert check_answers([cause, person], answers).passed


def test_a_letter_may_come_before_the_case_is_opened_on_its_own_topic():
    [cause] = notifications("101", 1)
    person = person_resolved(cause, cause.envelope.caseid, 0)
    answers = [answer(letter(person), topic=LETTERS), answer(opened(cause), 0, 0)]
    assert check_answers([cause, person], answers).passed


def test_a_redelivered_person_answered_with_fresh_letter_ids_is_not_idempotent():
    [cause] = notifications("101", 1)
    person = person_resolved(cause, cause.envelope.caseid, 0)
    answers = [answer(opened(cause)), answer(letter(person, fresh=True), 0, 0, LETTERS),
               answer(letter(person, fresh=True), 0, 1, LETTERS)]  # fmt: skip
    [problem] = check_answers([cause, person, person], answers).problems["idempotent"]
    assert problem.startswith(f"dk.casehub.person.resolved {person.envelope.id} delivered 2 times")
