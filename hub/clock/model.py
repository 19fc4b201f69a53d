"""The shape of a deadline rule: clock units, roles, conditions and legal basis, as data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DAY_UNITS",
    "Condition",
    "Ending",
    "LegalBasis",
    "Prior",
    "Role",
    "Rule",
    "Span",
    "Unit",
    "Withdrawal",
]


class Unit(StrEnum):
    """How a rule's clock counts (``schedule.due_times`` gives the exact semantics)."""

    HOURS = "hours"  # real elapsed hours, weekends and nights included
    WORKING_DAYS = "working_days"  # to the end of the n-th working day after the trigger day
    CALENDAR_DAYS = "calendar_days"  # to the end of the n-th day after the trigger day
    WEEKS = "weeks"  # 7 x n calendar days, to the end of the day
    CALENDAR_MONTHS = "calendar_months"  # same day n months later (month end clamps)
    BEFORE_EVENT = "before_event"  # before another event, due when the trigger plans it
    MONTHS_BEFORE_18TH_BIRTHDAY = "months_before_18th_birthday"  # needs the birth date


DAY_UNITS = frozenset({Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.WEEKS, Unit.CALENDAR_MONTHS})
"""Units that count whole local days and end at the end of a day."""


class Role(StrEnum):
    """Who must act on a deadline."""

    CASE_WORKER = "case_worker"
    TEAM_LEADER = "team_leader"
    COMMITTEE = "committee"  # børn og unge-udvalget
    STATISTICS_OFFICER = "statistics_officer"
    PARTIES = "parties"  # the child or young person and the custody holders


class Condition(StrEnum):
    """When a rule applies to its trigger event, read from the event's data."""

    ALWAYS = "always"
    SUPPORTING_MEASURE = "supporting_measure"  # measure_kind == supporting
    PLACEMENT = "placement"  # with or without consent
    PLACEMENT_WITH_CONSENT = "placement_with_consent"
    PLACEMENT_WITHOUT_CONSENT = "placement_without_consent"
    PLACEMENT_UNDER_18 = "placement_under_18"  # a placement of a child not yet 18
    AGE_16_PLUS = "age_16_plus"  # the young person is 16 or older when the clock starts
    CARRIES_DECISION = "carries_decision"  # a letter that carries a decision (decision_id)
    URGENT = "urgent"  # the chair's urgent decision (urgent is true)
    NOT_URGENT = "not_urgent"  # the committee's own decision (urgent is false)
    PLACEMENT_CHANGE = "placement_change"  # change is placement_place or consent
    CHILD_PLACEMENT = "child_placement"  # kind is a child's placement (§46, §47; not §49)
    PLACEMENT_MEASURE = "placement_measure"  # kind is a placement (§46, §47 or §49)
    COMMITTEE_PLACEMENT = "committee_placement"  # the committee decided a child's placement
    CHILD_PLAN = "child_plan"  # a plan of kind child_plan
    YOUTH_PLAN = "youth_plan"  # a plan of kind youth_plan
    PLACEMENT_REPORT = "placement_report"  # a statistics report of kind placement
    FOLLOW_UP_REPORT = "code_3_report"  # a placement report with event code 3
    COMMITTEE_REPORT = "code_4_report"  # ... event code 4
    END_REPORT = "code_5_report"  # ... event code 5
    AFTERCARE_REPORT = "code_6_report"  # ... event code 6


class Prior(StrEnum):
    """Whether a fulfilment that happened before the day the clock started meets it.

    Judged on when the fulfilment happened, never on when the engine read it, so the
    outcome does not depend on the order of records across topics.
    """

    COUNTS = "counts"  # whenever it happened: it answers the duty, not one trigger
    COUNTS_IF_NAMED = "counts_if_named"  # when it names the trigger's record (one clock
    # per record); one matched by case only counts from the start day
    IGNORED = "ignored"  # it may answer an earlier trigger: only from the start day on


class Ending(StrEnum):
    """Why a deadline ended without a miss: its reason went away."""

    MEASURE_ENDED = "measure_ended"  # the measure it concerns has ended
    CASE_CLOSED = "case_closed"  # the case it belongs to was closed


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """An event that ends a rule's open deadline without a miss (``DeadlineWithdrawn``).

    It withdraws a deadline of the same case when it names the trigger's record (``link``:
    trigger field, ending field; None: the case itself) and happened between the day
    the clock started and the due time. After the due time the duty was already missed.
    """

    event_type: str
    reason: Ending
    link: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """Where the duty is written, in both numberings where both exist."""

    sel: str | None  # Serviceloven, e.g. "SEL §155 stk. 2"
    bl: str | None  # Barnets Lov (from 2024), e.g. "BL §136"
    other: str | None = None  # another act or order, e.g. "Retssikkerhedsloven §67"


@dataclass(frozen=True, slots=True)
class Span:
    """An amount of a clock unit, e.g. an escalation 2 working days before the due time."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 1 or self.unit not in {Unit.HOURS, *DAY_UNITS}:
            msg = "a span is a positive amount of hours, days, weeks or months"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Rule:
    """One legal deadline: what starts it, what meets it, when it is due and whose it is."""

    id: str  # stable: engines key their state on it
    trigger: str  # the CloudEvents type that starts the clock
    fulfilled_by: tuple[str, ...]  # event types that meet the deadline
    due: str  # what is due, in words
    unit: Unit
    amount: int  # the duration in ``unit`` (0 for BEFORE_EVENT)
    escalation: Span | None  # escalate this long before the due time
    basis: LegalBasis
    concerns: Role
    condition: Condition = Condition.ALWAYS
    starts: str | None = None  # the data field holding the clock's start; else the event time
    before: str | None = None  # BEFORE_EVENT: the event type it must come before
    planned: str | None = None  # BEFORE_EVENT: the data field with when `before` is planned
    before_link: tuple[str, str] | None = None  # (trigger field, `before` field) that agree
    earlier_of: str | None = None  # a data field with a date that ends the clock if earlier
    met_if: Condition = Condition.ALWAYS  # judged on the fulfilling event's data
    link: tuple[str, str] | None = None  # (trigger field, fulfilment field) that must agree
    prior: Prior = Prior.IGNORED  # whether a fulfilment from before the start day counts
    withdrawn_by: tuple[Withdrawal, ...] = ()  # events that end it without a miss
    note: str = ""

    @property
    def contract_id(self) -> str:
        """The id in the deadline contracts' ``rule_id`` (their pattern allows no dots)."""
        return self.id.replace(".", "-")

    @property
    def record_field(self) -> str | None:
        """The trigger's data field naming the record a fulfilment or ``before`` event names."""
        linked = self.link or self.before_link
        return linked[0] if linked else None

    def __post_init__(self) -> None:
        before = self.unit is Unit.BEFORE_EVENT
        named = {self.before is not None, self.planned is not None, self.amount == 0}
        if named != {before} or (self.before_link is not None and not before):
            msg = f"rule {self.id}: BEFORE_EVENT and only it names `before` and `planned`"
            raise ValueError(msg)
        if self.amount < 0:
            msg = f"rule {self.id}: bad amount"
            raise ValueError(msg)
        if self.link and self.before_link and self.link[0] != self.before_link[0]:
            msg = f"rule {self.id}: `link` and `before_link` name different trigger fields"
            raise ValueError(msg)
        if not self.fulfilled_by:
            msg = f"rule {self.id}: nothing fulfils it"
            raise ValueError(msg)
        ending = {w.event_type for w in self.withdrawn_by}
        if len(ending) != len(self.withdrawn_by) or ending & {*self.fulfilled_by, self.before}:
            msg = f"rule {self.id}: an event either fulfils, cuts off or withdraws it, once"
            raise ValueError(msg)
