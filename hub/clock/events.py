"""The CloudEvents types the deadline rules read: triggers, fulfilments and data fields.

Every type here is a contract in ``contracts.catalogue`` (a test keeps it so):

=================================================================  ============================
``dk.casehub.notification.received``                               NotificationReceived
``dk.casehub.notification.assessed``                               NotificationAssessed (24 h)
``dk.casehub.notification.receipt-sent``                           NotificationReceiptSent
``dk.casehub.case.opened``                                         CaseOpened (remembered)
``dk.casehub.case.closed``                                         CaseClosed (withdraws)
``dk.casehub.investigation.started``                               InvestigationStarted
``dk.casehub.investigation.provisional-assessment-recorded``       ProvisionalAssessmentRecorded
``dk.casehub.investigation.completed``                             InvestigationCompleted
``dk.casehub.investigation.child-heard``                           ChildHeard (børnesamtale)
``dk.casehub.decision.measure-proposed``                           MeasureProposed (indstilling)
``dk.casehub.decision.measure-decided``                            MeasureDecided
``dk.casehub.decision.plan-created``                               PlanCreated (child or youth)
``dk.casehub.decision.committee-decided``                          CommitteeDecision (urgent?)
``dk.casehub.decision.upheld-on-appeal``                           DecisionUpheld (an appeal)
``dk.casehub.decision.aftercare-decided``                          AftercareDecided (efterværn)
``dk.casehub.measure.started``                                     MeasureStarted
``dk.casehub.measure.changed``                                     MeasureChanged
``dk.casehub.measure.follow-up-completed``                         FollowUpCompleted
``dk.casehub.measure.ended``                                       MeasureEnded (withdraws)
``dk.casehub.reporting.statistics-reported``                       StatisticsReported
``dk.casehub.reporting.transfer-reported``                         TransferReported
``dk.casehub.handover.accepted``                                   HandoverAccepted
``dk.casehub.handover.started``                                    HandoverStarted
``dk.casehub.handover.delivered``                                  HandoverDelivered
``dk.casehub.handover.refused``                                    HandoverRefused
``dk.casehub.handover.answered``                                   HandoverAnswered
``dk.casehub.reporting.appeal-forwarded``                          AppealForwarded
``dk.casehub.letter.requested``                                    LetterRequested (remembered)
``dk.casehub.letter.delivered``                                    LetterDelivered (receipt)
=================================================================  ============================

Data fields the rules read, as the contracts name them:

=========================  ===================================================================
``received_at``            notification.received: the clocks start here (RFC 3339)
``aware_since``            investigation.started: ISO date the municipality became aware; the
                           4-month clock starts at 00:00 Copenhagen time that day
``delivered_at``           letter.delivered: the appeal clock starts on the delivery receipt
``proposed_at``            decision.measure-proposed: the clocks before the decision start here
``decision_planned_at``    decision.measure-proposed: when the decision is planned; the
                           hearing and the plan before it are due then
``kind``, ``consent``      decision.measure-decided and decision.measure-proposed: the measure
                           (BL §32 nr. 1-8 kinds count as supporting;
                           ``placement_of_young_person`` follows ``consent``)
``measure_id``             decision.measure-decided: cuts off the deadlines its proposal set
``urgent``                 decision.committee-decided: the chair's urgent decision (trigger)
                           or the committee's own (fulfilment)
``change``                 measure.changed: ``placement_place`` and ``consent`` are placement
                           events for the statistics
``decision_id``            letter.delivered: not in the contract; the engine adds it from the
                           letter's ``letter.requested`` (same ``letter_id``)
``kind``, ``consent``      measure.started, measure.follow-up-completed and measure.ended: not
                           in the contracts; the engine adds them from the measure's
                           ``decision.measure-decided`` (same ``measure_id``)
``kind``, ``consent``      decision.committee-decided: added, when known, from the
                           ``decision.measure-decided`` with the same ``decision_id``
``legal_basis``            decision.committee-decided: ``law`` and ``paragraph`` say whether it
                           is a placement without consent (BL §47, SEL §58)
``kind``, ``event_code``   reporting.statistics-reported: which report met a statistics clock
``child_birth_date``       decision.measure-decided and measure.started: not in the contracts;
                           the engine adds the birth date in the ``child_cpr`` of the case's
                           ``case.opened`` or ``notification.received`` (same case)
``investigation_ends_on``  measure.started: optional ISO date; no contract carries it yet
=========================  ===================================================================

Every other clock starts at the envelope's ``time`` (when the occurrence happened). When a
fulfilment (or a decision that cuts a deadline off, or an ending that withdraws one)
happened is read from the field in ``MET_AT`` (else the envelope's ``time``).
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "AFTERCARE_DECIDED",
    "APPEAL_FORWARDED",
    "CASE_CLOSED",
    "CASE_OPENED",
    "CHILD_HEARD",
    "COMMITTEE_DECIDED",
    "DECISION_UPHELD",
    "FOLLOW_UP_COMPLETED",
    "HANDOVER_ACCEPTED",
    "HANDOVER_ANSWERED",
    "HANDOVER_DELIVERED",
    "HANDOVER_REFUSED",
    "HANDOVER_STARTED",
    "INVESTIGATION_COMPLETED",
    "INVESTIGATION_STARTED",
    "LETTER_DELIVERED",
    "LETTER_REQUESTED",
    "MEASURE_CHANGED",
    "MEASURE_DECIDED",
    "MEASURE_ENDED",
    "MEASURE_PROPOSED",
    "MEASURE_STARTED",
    "MET_AT",
    "NOTIFICATION_ASSESSED",
    "NOTIFICATION_RECEIVED",
    "PLAN_CREATED",
    "PROVISIONAL_ASSESSMENT_RECORDED",
    "RECEIPT_SENT",
    "STATISTICS_REPORTED",
    "TRANSFER_REPORTED",
]

_P = "dk.casehub."

NOTIFICATION_RECEIVED = _P + "notification.received"
NOTIFICATION_ASSESSED = _P + "notification.assessed"
RECEIPT_SENT = _P + "notification.receipt-sent"
CASE_OPENED = _P + "case.opened"
CASE_CLOSED = _P + "case.closed"
INVESTIGATION_STARTED = _P + "investigation.started"
PROVISIONAL_ASSESSMENT_RECORDED = _P + "investigation.provisional-assessment-recorded"
INVESTIGATION_COMPLETED = _P + "investigation.completed"
CHILD_HEARD = _P + "investigation.child-heard"
MEASURE_PROPOSED = _P + "decision.measure-proposed"
MEASURE_DECIDED = _P + "decision.measure-decided"
PLAN_CREATED = _P + "decision.plan-created"
COMMITTEE_DECIDED = _P + "decision.committee-decided"
DECISION_UPHELD = _P + "decision.upheld-on-appeal"
AFTERCARE_DECIDED = _P + "decision.aftercare-decided"
MEASURE_STARTED = _P + "measure.started"
MEASURE_CHANGED = _P + "measure.changed"
FOLLOW_UP_COMPLETED = _P + "measure.follow-up-completed"
MEASURE_ENDED = _P + "measure.ended"
STATISTICS_REPORTED = _P + "reporting.statistics-reported"
TRANSFER_REPORTED = _P + "reporting.transfer-reported"
HANDOVER_ACCEPTED = _P + "handover.accepted"
HANDOVER_STARTED = _P + "handover.started"
HANDOVER_DELIVERED = _P + "handover.delivered"
HANDOVER_REFUSED = _P + "handover.refused"
HANDOVER_ANSWERED = _P + "handover.answered"
APPEAL_FORWARDED = _P + "reporting.appeal-forwarded"
LETTER_REQUESTED = _P + "letter.requested"
LETTER_DELIVERED = _P + "letter.delivered"

MET_AT = MappingProxyType(
    {
        NOTIFICATION_ASSESSED: "assessed_at",
        RECEIPT_SENT: "sent_at",
        PROVISIONAL_ASSESSMENT_RECORDED: "recorded_at",
        INVESTIGATION_COMPLETED: "completed_at",
        CHILD_HEARD: "heard_at",
        MEASURE_DECIDED: "decided_at",  # cuts off the deadlines due before the decision
        PLAN_CREATED: "created_at",
        COMMITTEE_DECIDED: "decided_at",
        AFTERCARE_DECIDED: "decided_at",
        FOLLOW_UP_COMPLETED: "completed_at",
        STATISTICS_REPORTED: "reported_at",
        TRANSFER_REPORTED: "reported_at",
        # A handover's receipt when the receiver took the package, its answer when given.
        HANDOVER_DELIVERED: "received_at",
        HANDOVER_REFUSED: "refused_at",
        HANDOVER_ANSWERED: "answered_at",
        # An appeal counts when the municipality received it, not when it was forwarded.
        APPEAL_FORWARDED: "received_on",
        DECISION_UPHELD: "appeal_received_at",
        # Endings that withdraw deadlines: the measure's last day, the case's closing.
        MEASURE_ENDED: "ended_on",
        CASE_CLOSED: "closed_at",
    }
)
"""Fulfilling (cutting-off, withdrawing) type → the data field saying when it happened (a
time, or a date: 00:00)."""
