"""A handover's deadlines: the receiver's clock takes them, the sender's withdraws them (BL §132).

The sender's engine withdraws its case's open deadlines (``DeadlineWithdrawnV2``, reason
``handed_over``) on an accepted ``HandoverAnswered``, and keeps them on a rejection; the
receiver's engine sets the package's deadlines in its own case, with the same due times,
and times them like any other.
"""

import datetime as dt

import pytest

from contracts.deadlines import (
    DeadlineApproachingV2,
    DeadlineMetV2,
    DeadlineMissedV2,
    DeadlineSetV2,
    DeadlineWithdrawn,
    DeadlineWithdrawnV2,
    WithdrawalReasonV2,
)
from contracts.handover import (
    DeadlinesTakenOver,
    HandoverAnswered,
    HandoverDelivered,
    HandoverRejection,
    HandoverStarted,
    TakenDeadline,
)
from contracts.legal import Act, ActBasis
from hub.clock.state import Status
from hub.clock.tracked import transition_id
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.clock import local
from tests.hub.deadlines.recording import Clock, every_deadline

RECEIVED = local(2026, 9, 1, 9)
ANSWERED = local(2026, 9, 1, 15)
DUE = local(2026, 9, 2, 9)  # the notification's 24-hour assessment
ESCALATE = local(2026, 9, 2, 3)


@pytest.fixture
def clock():
    return Clock(RECEIVED)


def answered(case, *, accepted: bool):
    data = HandoverAnswered(
        handover_id="ho-1",
        answered_at=ANSWERED,
        accepted=accepted,
        new_case_id="N-1" if accepted else None,
        rejection=None if accepted else HandoverRejection.NOT_RESIDENT,
    )
    return case.event(data, ANSWERED)


def taken(case, *rule_ids: str):
    data = DeadlinesTakenOver(
        handover_id="ho-1",
        from_municipality="461",
        accepted_at=ANSWERED,
        deadlines=tuple(
            TakenDeadline(
                deadline_id=f"d-{n}",
                rule_id=rule_id,
                due_at=DUE,
                escalate_at=ESCALATE,
                legal_basis=ActBasis(law=Act.BL, paragraph="136"),
            )
            for n, rule_id in enumerate(rule_ids)
        ),
    )
    return case.event(data, ANSWERED)


async def test_an_accepted_answer_withdraws_the_senders_open_deadlines(engine, published):
    case = CaseFile()
    await engine.handle(case.notification(RECEIVED))
    assert len(published.of(DeadlineSetV2)) == 2  # the assessment and the receipt
    answer = answered(case, accepted=True)
    await engine.handle(answer)
    withdrawn = published.of(DeadlineWithdrawnV2)
    assert len(withdrawn) == 2
    for event in withdrawn:
        assert event.data.reason is WithdrawalReasonV2.HANDED_OVER
        assert event.data.withdrawn_at == ANSWERED
        assert event.data.withdrawn_by_event_id == answer.envelope.id
        assert event.envelope.contractversion == 2
        assert event.envelope.id == transition_id(event.data.deadline_id, Status.WITHDRAWN)
    assert published.of(DeadlineWithdrawn) == []  # not version 1: it has no handed_over
    await engine.handle(answer)  # redelivered: nothing again
    assert len(published.of(DeadlineWithdrawnV2)) == 2
    assert {t.status for t in every_deadline(engine)} == {Status.WITHDRAWN}


async def test_a_rejection_leaves_the_duty_with_the_sender(engine, published, clock):
    case = CaseFile()
    await engine.handle(case.notification(RECEIVED))
    await engine.handle(answered(case, accepted=False))
    assert published.of(DeadlineWithdrawnV2) == []
    clock.now = DUE + dt.timedelta(hours=1)
    await engine.tick()
    assert {e.data.rule_id for e in published.of(DeadlineMissedV2)} == {
        "notification-acute-assessment"
    }


async def test_the_receiver_takes_the_deadlines_with_their_due_times(engine, published, clock):
    case = CaseFile()
    takeover = taken(case, "notification-acute-assessment", "some-other-vendors-rule")
    await engine.handle(takeover)
    (set_,) = published.of(DeadlineSetV2)  # the unknown rule is left out, logged
    assert (set_.data.due_at, set_.data.escalate_at) == (DUE, ESCALATE)
    assert set_.data.rule_id == "notification-acute-assessment"
    assert set_.data.trigger_event_id == takeover.envelope.id
    assert (set_.envelope.municipality, set_.envelope.caseid) == (case.municipality, case.case_id)
    await engine.handle(takeover)  # redelivered: set once
    assert len(published.of(DeadlineSetV2)) == 1
    # The receiver's clock times it: approaching, then missed at the sender's due time.
    clock.now = ESCALATE
    await engine.tick()
    assert len(published.of(DeadlineApproachingV2)) == 1
    clock.now = DUE + dt.timedelta(hours=1)
    await engine.tick()
    (missed,) = published.of(DeadlineMissedV2)
    assert missed.data.due_at == DUE


async def test_the_receivers_assessment_meets_a_taken_deadline(engine, published):
    case = CaseFile()
    await engine.handle(taken(case, "notification-acute-assessment"))
    await engine.handle(case.assessed("n-at-the-sender", ANSWERED + dt.timedelta(hours=2)))
    (met,) = published.of(DeadlineMetV2)  # matched by case: the sender's ids are not ours
    assert met.data.rule_id == "notification-acute-assessment"


def started(case):
    data = HandoverStarted(
        handover_id="ho-1",
        from_municipality=case.municipality,
        to_municipality="461",
        started_at=RECEIVED,
        documents=0,
        summary="The family moves.",
    )
    return case.event(data, RECEIVED)


def delivered(case, at):
    data = HandoverDelivered(
        handover_id="ho-1",
        to_municipality="461",
        received_at=at,
        documents=0,
        package_sha256="0" * 64,
    )
    return case.event(data, at)


async def test_a_handover_sets_its_own_receipt_and_answer_deadlines(engine, published):
    case = CaseFile()
    await engine.handle(started(case))
    assert sorted(published.rules(DeadlineSetV2)) == ["handover-answer", "handover-receipt"]
    await engine.handle(delivered(case, RECEIVED + dt.timedelta(minutes=1)))
    await engine.handle(answered(case, accepted=True))
    # Met, not withdrawn: the answer is what the clock waited for.
    assert sorted(published.rules(DeadlineMetV2)) == ["handover-answer", "handover-receipt"]
    assert published.of(DeadlineWithdrawnV2) == []


async def test_a_receipt_that_never_comes_is_escalated_then_missed(engine, published, clock):
    case = CaseFile()
    await engine.handle(started(case))
    clock.now = RECEIVED + dt.timedelta(hours=20)
    await engine.tick()
    assert published.rules(DeadlineApproachingV2) == ["handover-receipt"]
    clock.now = RECEIVED + dt.timedelta(hours=25)
    await engine.tick()
    (missed,) = published.of(DeadlineMissedV2)
    assert missed.data.rule_id == "handover-receipt"
    assert missed.data.due_at == RECEIVED + dt.timedelta(hours=24)
