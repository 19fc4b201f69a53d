"""The CloudEvents types the deadline rules read: triggers, fulfilments and data fields.

These are the names the contract catalogue is to use (``Contract.event_type``). All are
``dk.casehub.<area>.<past-tense fact>``:

========================================================  =====================================
``dk.casehub.notification.received``                      a notification reached the municipality
``dk.casehub.notification.assessed``                      acute-danger assessment done (24 h)
``dk.casehub.notification.receipt-sent``                  receipt sent to the notifier
``dk.casehub.investigation.opened``                       child investigation opened
``dk.casehub.investigation.provisional-assessment-recorded``  provisional assessment after 4 months
``dk.casehub.investigation.completed``                    child investigation completed
``dk.casehub.measure.proposed``                           a measure is prepared for decision
``dk.casehub.child.heard``                                the child has been heard (børnesamtale)
``dk.casehub.measure.decided``                            a measure was decided (any decider)
``dk.casehub.measure.started``                            a decided measure was started
``dk.casehub.plan.made``                                  the child's plan (handleplan)
``dk.casehub.youth-plan.made``                            the youth plan (ungeplan, 16+)
``dk.casehub.follow-up.completed``                        a follow-up on a measure was done
``dk.casehub.committee.urgent-decision-made``             the committee chair decided urgently
``dk.casehub.committee.decision-made``                    the committee decided
``dk.casehub.placement.changed``                          a placement event (statistics codes 1-6)
``dk.casehub.statistics.placement-reported``              placement reported to Danmarks Statistik
``dk.casehub.aftercare.decided``                          the aftercare (efterværn) decision
``dk.casehub.letter.delivered``                           delivery receipt for a letter
``dk.casehub.appeal.received``                            an appeal of a decision was received
========================================================  =====================================

Data fields the rules read (all optional unless a rule needs them):

=============================  ==============================================================
``received_at``                notification.received: RFC 3339 time the clocks start from
``aware_at``                   investigation.opened: when the municipality became aware of
                               a possible need (the 4-month clock starts here)
``measure_kind``               measure.*: ``supporting``, ``placement_with_consent`` or
                               ``placement_without_consent``
``child_birth_date``           measure.*: ISO date; when absent, read from ``child_cpr``
``investigation_ends_on``      measure.started: ISO date a parallel investigation ends
``decision_id``                letter.delivered: present when the letter carries a decision
=============================  ==============================================================

Every other clock starts at the envelope's ``time`` (when the occurrence happened).
"""

from __future__ import annotations

__all__ = [
    "AFTERCARE_DECIDED",
    "APPEAL_RECEIVED",
    "CHILD_HEARD",
    "COMMITTEE_DECISION_MADE",
    "FOLLOW_UP_COMPLETED",
    "INVESTIGATION_COMPLETED",
    "INVESTIGATION_OPENED",
    "LETTER_DELIVERED",
    "MEASURE_DECIDED",
    "MEASURE_PROPOSED",
    "MEASURE_STARTED",
    "NOTIFICATION_ASSESSED",
    "NOTIFICATION_RECEIVED",
    "PLACEMENT_CHANGED",
    "PLACEMENT_REPORTED",
    "PLAN_MADE",
    "PROVISIONAL_ASSESSMENT_RECORDED",
    "RECEIPT_SENT",
    "URGENT_DECISION_MADE",
    "YOUTH_PLAN_MADE",
]

_P = "dk.casehub."

NOTIFICATION_RECEIVED = _P + "notification.received"
NOTIFICATION_ASSESSED = _P + "notification.assessed"
RECEIPT_SENT = _P + "notification.receipt-sent"
INVESTIGATION_OPENED = _P + "investigation.opened"
PROVISIONAL_ASSESSMENT_RECORDED = _P + "investigation.provisional-assessment-recorded"
INVESTIGATION_COMPLETED = _P + "investigation.completed"
MEASURE_PROPOSED = _P + "measure.proposed"
CHILD_HEARD = _P + "child.heard"
MEASURE_DECIDED = _P + "measure.decided"
MEASURE_STARTED = _P + "measure.started"
PLAN_MADE = _P + "plan.made"
YOUTH_PLAN_MADE = _P + "youth-plan.made"
FOLLOW_UP_COMPLETED = _P + "follow-up.completed"
URGENT_DECISION_MADE = _P + "committee.urgent-decision-made"
COMMITTEE_DECISION_MADE = _P + "committee.decision-made"
PLACEMENT_CHANGED = _P + "placement.changed"
PLACEMENT_REPORTED = _P + "statistics.placement-reported"
AFTERCARE_DECIDED = _P + "aftercare.decided"
LETTER_DELIVERED = _P + "letter.delivered"
APPEAL_RECEIVED = _P + "appeal.received"
