"""The legal clock as data: every deadline rule the hub knows, in one table.

Event types and data fields are listed in ``hub.clock.events``. A rule never
changes meaning under its id; a changed duty gets a new row (and a new id).
"""

from __future__ import annotations

from types import MappingProxyType

from hub.clock import events as ev
from hub.clock.model import (
    Condition,
    Ending,
    LegalBasis,
    Prior,
    Role,
    Rule,
    Span,
    Unit,
    Withdrawal,
)

__all__ = ["RULES", "RULES_BY_ID", "rules_for"]

_TWO_WEEKS = Span(2, Unit.WEEKS)
_ONE_WEEK = Span(1, Unit.WEEKS)
_PROPOSED_MEASURE = ("measure_id", "measure_id")  # the decision names the proposed measure
_BEFORE_DECISION = (
    "Due when the decision is planned; missed at once if the decision comes first. "
    "Counted from the proposal: what happened before its day does not meet it."
)
_STATISTICS = "Databekendtgørelsen"

# What ends a duty without a miss. Case work (investigating, hearing, planning, following
# up, deciding aftercare) ends with the case, and a measure's own plans, follow-up and
# aftercare end with the measure. What is owed for a notification, to the parties (the
# appeal period, the committee's review of an urgent decision) or to Danmarks Statistik
# stays due whatever happens to the measure or the case.
_CASE_CLOSES = Withdrawal(ev.CASE_CLOSED, Ending.CASE_CLOSED)
_MEASURE_ENDS = Withdrawal(ev.MEASURE_ENDED, Ending.MEASURE_ENDED, ("measure_id", "measure_id"))
_CASE_WORK = (_CASE_CLOSES,)
_MEASURE_WORK = (_MEASURE_ENDS, _CASE_CLOSES)

RULES: tuple[Rule, ...] = (
    Rule(
        id="notification.acute-assessment",
        trigger=ev.NOTIFICATION_RECEIVED,
        fulfilled_by=(ev.NOTIFICATION_ASSESSED,),
        due="Assessment of whether the child is in acute danger",
        unit=Unit.HOURS,
        amount=24,
        escalation=Span(6, Unit.HOURS),
        basis=LegalBasis(sel="SEL §155 stk. 2", bl="BL §136"),
        concerns=Role.CASE_WORKER,
        starts="received_at",
        link=("notification_id", "notification_id"),
        prior=Prior.COUNTS_IF_NAMED,
        note="Wall clock: nights, weekends and holidays count.",
    ),
    Rule(
        id="notification.receipt",
        trigger=ev.NOTIFICATION_RECEIVED,
        fulfilled_by=(ev.RECEIPT_SENT,),
        due="Receipt to the notifier",
        unit=Unit.WORKING_DAYS,
        amount=6,
        escalation=Span(2, Unit.WORKING_DAYS),
        basis=LegalBasis(sel="SEL §155 b", bl="BL §137"),
        concerns=Role.CASE_WORKER,
        starts="received_at",
        link=("notification_id", "notification_id"),
        prior=Prior.COUNTS_IF_NAMED,
        note="Wording of the paragraphs unverified.",
    ),
    Rule(
        id="investigation.completed",
        trigger=ev.INVESTIGATION_STARTED,
        fulfilled_by=(ev.INVESTIGATION_COMPLETED,),
        due="Child investigation (børnefaglig undersøgelse) completed",
        unit=Unit.CALENDAR_MONTHS,
        amount=4,
        escalation=_TWO_WEEKS,
        basis=LegalBasis(sel="SEL §50 stk. 7", bl="BL §20 stk. 3"),
        concerns=Role.CASE_WORKER,
        starts="aware_since",
        link=("investigation_id", "investigation_id"),
        prior=Prior.COUNTS_IF_NAMED,
        withdrawn_by=_CASE_WORK,
        note="Counted from when the municipality became aware of a possible need.",
    ),
    Rule(
        id="investigation.provisional-assessment",
        trigger=ev.INVESTIGATION_STARTED,
        fulfilled_by=(ev.PROVISIONAL_ASSESSMENT_RECORDED, ev.INVESTIGATION_COMPLETED),
        due="Provisional assessment recorded if the investigation is not completed",
        unit=Unit.CALENDAR_MONTHS,
        amount=4,
        escalation=_TWO_WEEKS,
        basis=LegalBasis(sel="SEL §50 stk. 7", bl="BL §20 stk. 3"),
        concerns=Role.TEAM_LEADER,
        starts="aware_since",
        link=("investigation_id", "investigation_id"),
        prior=Prior.COUNTS_IF_NAMED,
        withdrawn_by=_CASE_WORK,
        note="After it the investigation is completed as soon as possible: no fixed date.",
    ),
    Rule(
        id="decision.child-heard",
        trigger=ev.MEASURE_PROPOSED,
        fulfilled_by=(ev.CHILD_HEARD,),
        due="The child has been heard (børnesamtale) before the decision",
        unit=Unit.BEFORE_EVENT,
        amount=0,
        escalation=_ONE_WEEK,
        basis=LegalBasis(sel="SEL §48", bl="BL §5"),
        concerns=Role.CASE_WORKER,
        starts="proposed_at",
        before=ev.MEASURE_DECIDED,
        planned="decision_planned_at",
        before_link=_PROPOSED_MEASURE,
        prior=Prior.IGNORED,
        withdrawn_by=_CASE_WORK,
        note=_BEFORE_DECISION,
    ),
    Rule(
        id="plan.placement-without-consent",
        trigger=ev.MEASURE_PROPOSED,
        fulfilled_by=(ev.PLAN_CREATED,),
        due="The child's plan before a placement without consent is decided",
        unit=Unit.BEFORE_EVENT,
        amount=0,
        escalation=_ONE_WEEK,
        basis=LegalBasis(sel="SEL §140", bl="BL §91 stk. 2"),
        concerns=Role.CASE_WORKER,
        condition=Condition.PLACEMENT_WITHOUT_CONSENT,
        starts="proposed_at",
        before=ev.MEASURE_DECIDED,
        planned="decision_planned_at",
        met_if=Condition.CHILD_PLAN,
        link=("measure_id", "measure_ids"),
        before_link=_PROPOSED_MEASURE,
        prior=Prior.IGNORED,
        withdrawn_by=_CASE_WORK,
        note=_BEFORE_DECISION,
    ),
    Rule(
        id="plan.supporting-measure",
        trigger=ev.MEASURE_DECIDED,
        fulfilled_by=(ev.PLAN_CREATED,),
        due="The child's plan (handleplan), when one is made",
        unit=Unit.CALENDAR_MONTHS,
        amount=3,
        escalation=_TWO_WEEKS,
        basis=LegalBasis(sel="SEL §140", bl="BL §91 stk. 1"),
        concerns=Role.CASE_WORKER,
        met_if=Condition.CHILD_PLAN,
        link=("measure_id", "measure_ids"),
        condition=Condition.SUPPORTING_MEASURE,
        prior=Prior.COUNTS_IF_NAMED,
        withdrawn_by=_MEASURE_WORK,
    ),
    Rule(
        id="plan.placement",
        trigger=ev.MEASURE_DECIDED,
        fulfilled_by=(ev.PLAN_CREATED,),
        due="The child's plan for a placement with consent",
        unit=Unit.CALENDAR_MONTHS,
        amount=3,
        escalation=_TWO_WEEKS,
        basis=LegalBasis(sel="SEL §140", bl="BL §91 stk. 2"),
        concerns=Role.CASE_WORKER,
        met_if=Condition.CHILD_PLAN,
        link=("measure_id", "measure_ids"),
        condition=Condition.PLACEMENT_WITH_CONSENT,
        prior=Prior.COUNTS_IF_NAMED,
        withdrawn_by=_MEASURE_WORK,
    ),
    Rule(
        id="plan.youth",
        trigger=ev.MEASURE_DECIDED,
        fulfilled_by=(ev.PLAN_CREATED,),
        due="The youth plan (ungeplan) for a young person of 16 or more",
        unit=Unit.CALENDAR_MONTHS,
        amount=3,
        escalation=_TWO_WEEKS,
        basis=LegalBasis(sel="SEL §140", bl="BL §108"),
        concerns=Role.CASE_WORKER,
        met_if=Condition.YOUTH_PLAN,
        link=("measure_id", "measure_ids"),
        condition=Condition.AGE_16_PLUS,
        prior=Prior.COUNTS_IF_NAMED,
        withdrawn_by=_MEASURE_WORK,
        note="Age on the day of the decision, from the child's birth date in the case.",
    ),
    Rule(
        id="follow-up.first",
        trigger=ev.MEASURE_STARTED,
        fulfilled_by=(ev.FOLLOW_UP_COMPLETED,),
        due="First follow-up on the measure",
        unit=Unit.CALENDAR_MONTHS,
        amount=3,
        escalation=_TWO_WEEKS,
        basis=LegalBasis(sel="SEL §70", bl="BL §95"),
        concerns=Role.CASE_WORKER,
        link=("measure_id", "measure_id"),
        earlier_of="investigation_ends_on",
        prior=Prior.IGNORED,
        withdrawn_by=_MEASURE_WORK,
        note="The earlier of 3 months and the end of a parallel investigation. "
        "Later follow-ups (SEL §70: every 6 months) are not yet rules.",
    ),
    Rule(
        id="committee.presentation",
        trigger=ev.COMMITTEE_DECIDED,
        fulfilled_by=(ev.COMMITTEE_DECIDED,),
        due="The chair's urgent decision presented to the committee",
        unit=Unit.CALENDAR_DAYS,
        amount=7,
        escalation=Span(2, Unit.CALENDAR_DAYS),
        basis=LegalBasis(sel="SEL §75 stk. 3", bl="BL §143 (unverified)"),
        concerns=Role.COMMITTEE,
        condition=Condition.URGENT,
        met_if=Condition.NOT_URGENT,
        prior=Prior.IGNORED,
    ),
    Rule(
        id="aftercare.decision",
        trigger=ev.MEASURE_STARTED,
        fulfilled_by=(ev.AFTERCARE_DECIDED,),
        due="Decision on aftercare (efterværn)",
        unit=Unit.MONTHS_BEFORE_18TH_BIRTHDAY,
        amount=6,
        escalation=Span(4, Unit.WEEKS),
        basis=LegalBasis(sel="SEL §68 stk. 12", bl=None),
        concerns=Role.CASE_WORKER,
        condition=Condition.PLACEMENT_UNDER_18,
        prior=Prior.COUNTS,
        withdrawn_by=_MEASURE_WORK,
        note="At least 6 months before the 18th birthday; due at once if the placement "
        "starts later than that. Met by the case's aftercare decision, granted or not. "
        "The Barnets Lov paragraph is not yet verified.",
    ),
    Rule(
        id="statistics.placement-decision",
        trigger=ev.MEASURE_DECIDED,
        fulfilled_by=(ev.STATISTICS_REPORTED,),
        due="Placement decision reported to Danmarks Statistik",
        unit=Unit.WEEKS,
        amount=4,
        escalation=_ONE_WEEK,
        basis=LegalBasis(sel=None, bl=None, other=_STATISTICS),
        concerns=Role.STATISTICS_OFFICER,
        condition=Condition.PLACEMENT,
        met_if=Condition.PLACEMENT_REPORT,
        link=("decision_id", "subject_id"),
        prior=Prior.IGNORED,
        note="Whether or not the placement is carried out; never overwrite an earlier report.",
    ),
    Rule(
        id="statistics.placement-start",
        trigger=ev.MEASURE_STARTED,
        fulfilled_by=(ev.STATISTICS_REPORTED,),
        due="Start of a placement (event code 0) reported to Danmarks Statistik",
        unit=Unit.WEEKS,
        amount=4,
        escalation=_ONE_WEEK,
        basis=LegalBasis(sel=None, bl=None, other=_STATISTICS),
        concerns=Role.STATISTICS_OFFICER,
        condition=Condition.PLACEMENT,
        met_if=Condition.PLACEMENT_REPORT,
        link=("measure_id", "subject_id"),
        prior=Prior.IGNORED,
    ),
    Rule(
        id="statistics.placement-event",
        trigger=ev.MEASURE_CHANGED,
        fulfilled_by=(ev.STATISTICS_REPORTED,),
        due="Placement event (event codes 1-6) reported to Danmarks Statistik",
        unit=Unit.WEEKS,
        amount=4,
        escalation=_ONE_WEEK,
        basis=LegalBasis(sel=None, bl=None, other=_STATISTICS),
        concerns=Role.STATISTICS_OFFICER,
        condition=Condition.PLACEMENT_CHANGE,
        met_if=Condition.PLACEMENT_REPORT,
        link=("measure_id", "subject_id"),
        prior=Prior.IGNORED,
    ),
    Rule(
        id="appeal.period",
        trigger=ev.LETTER_DELIVERED,
        fulfilled_by=(ev.APPEAL_FORWARDED, ev.DECISION_UPHELD),
        due="End of the parties' period to appeal the decision",
        unit=Unit.WEEKS,
        amount=4,
        escalation=None,
        basis=LegalBasis(sel=None, bl=None, other="Retssikkerhedsloven §67"),
        concerns=Role.PARTIES,
        condition=Condition.CARRIES_DECISION,
        starts="delivered_at",
        link=("decision_id", "decision_id"),
        prior=Prior.COUNTS_IF_NAMED,
        note="Starts on the letter's delivery receipt, never on the decision. "
        "Missed means the period ended without an appeal.",
    ),
)
"""The rules the engine runs: every type they name is a contract in the catalogue."""

RULES_BY_ID = MappingProxyType({rule.id: rule for rule in RULES})
"""Rule id → rule."""

if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a table error, caught at import
    msg = "two deadline rules share an id"
    raise RuntimeError(msg)


def rules_for(event_type: str) -> tuple[Rule, ...]:
    """The running rules an event of this type may start, in table order."""
    return tuple(rule for rule in RULES if rule.trigger == event_type)
