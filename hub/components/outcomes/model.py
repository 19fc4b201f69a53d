"""The outcome read model: what the extract needs from a case's history, folded event by event.

It keeps, per case, the child (for the pseudonym only: it never leaves the extract's process
or the component's state), each measure's kind, legal basis, days and cost, the conditions
assessed, the progression measured and the latest attainment of each goal. Events of other
types are ignored.

The fold does not depend on the order events are read in: every value keeps the event time
it came from and is replaced only by a value at least as recent, and a measure's start,
end, change or commitment may come before its decision (another topic): the measure is
known once decided. So the history folded in time order (the extract's fallback) and the
component's state, folded in the order its partitions deliver, are the same summaries, and a
redelivered event changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.codelists import GoalAttainment, Instrument, TimePoint
from contracts.decision import MeasureDecided
from contracts.envelope import Event
from contracts.finance import CommitmentCreated
from contracts.ics import IcsDimension
from contracts.measures import MeasureChanged, MeasureEnded, MeasureStarted
from contracts.outcomes import (
    ConditionsAssessed,
    GoalAttainmentAssessed,
    OrsScored,
    SdqScored,
    SrsScored,
    WellbeingRated,
)

__all__ = [
    "FOLDED",
    "CaseKey",
    "CaseOutcomes",
    "ConditionSeen",
    "GoalSeen",
    "MeasureSeen",
    "Measured",
    "Measurement",
    "OutcomeModel",
    "fold",
    "score_of",
]

CaseKey = tuple[str, str]
"""(kommunekode, case id)."""

_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class MeasureSeen:
    """One measure: what and under which paragraph, when it ran, what it costs."""

    kind: str = ""
    """Empty until its decision is read."""
    legal_basis: str = ""
    decided_start: dt.date | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    expected_cost: Decimal | None = None
    """DKK over the period, as the case system expects: decided, or last changed."""
    commitments: dict[str, Decimal] = field(default_factory=dict)
    """Finance's commitments for it (``CommitmentCreated``), by commitment id: DKK. Finance's
    cost estimates are not used: each is the cost remaining from its day, not the measure's."""
    stamps: dict[str, dt.datetime] = field(default_factory=dict)
    """The event time of each value above (by field): an older event does not replace it."""

    @property
    def first_day(self) -> dt.date:
        """The day it started, or was decided to start."""
        return self.started_on or self.decided_start or dt.date.min

    def duration_days(self) -> int | None:
        """Days from first to last day, both counted; None while it runs."""
        if self.ended_on is None:
            return None
        return (self.ended_on - self.first_day).days + 1

    def cost(self) -> tuple[Decimal, bool] | None:
        """The cost used by the extract, and whether it is finance's committed amount.

        The commitments' sum when finance committed any; else the expected cost.
        """
        if self.commitments:
            return sum(self.commitments.values(), Decimal(0)), True
        if self.expected_cost is not None:
            return self.expected_cost, False
        return None

    def newer(self, name: str, at: dt.datetime) -> bool:
        """Whether a value of ``name`` from an event at ``at`` replaces the one held."""
        if at < self.stamps.get(name, _NEVER):
            return False
        self.stamps[name] = at
        return True


@dataclass(frozen=True)
class ConditionSeen:
    """One dimension's severity at one time point of one measure."""

    measure_id: str | None
    time_point: TimePoint
    on: dt.date
    dimension: IcsDimension
    severity: int
    at: dt.datetime = _NEVER
    """The event time it came from."""


@dataclass(frozen=True)
class Measurement:
    """One instrument's summary score at one time point of one measure."""

    measure_id: str
    instrument: Instrument
    time_point: TimePoint
    on: dt.date
    score: int
    at: dt.datetime = _NEVER


@dataclass(frozen=True)
class GoalSeen:
    """The latest attainment of one goal."""

    measure_id: str | None
    on: dt.date
    attainment: GoalAttainment
    at: dt.datetime = _NEVER


@dataclass
class CaseOutcomes:
    """Everything the extract uses about one case (its summary)."""

    child: str | None = None
    """The child's CPR number: the pseudonym's input, held in memory and in the state only."""
    child_at: dt.datetime = _NEVER
    seen: dict[str, MeasureSeen] = field(default_factory=dict)
    """Every measure heard of, decided or not yet."""
    conditions: dict[str, ConditionSeen] = field(default_factory=dict)
    """By assessment and dimension (``_entry``)."""
    measurements: dict[str, Measurement] = field(default_factory=dict)
    goals: dict[str, GoalSeen] = field(default_factory=dict)
    """By plan and goal (``_entry``)."""

    @property
    def measures(self) -> dict[str, MeasureSeen]:
        """The measures whose decision was read."""
        return {i: m for i, m in self.seen.items() if m.kind}

    def empty(self) -> bool:
        """Nothing the extract uses is known."""
        return not (self.child or self.seen or self.conditions or self.measurements or self.goals)


Measured = WellbeingRated | SdqScored | OrsScored | SrsScored
"""The progression measurements."""

_MEASURE_FACTS = MeasureDecided | MeasureStarted | MeasureEnded | MeasureChanged | CommitmentCreated
FOLDED: tuple[type[Contract], ...] = (
    CaseOpened,
    MeasureDecided,
    MeasureStarted,
    MeasureEnded,
    MeasureChanged,
    CommitmentCreated,
    ConditionsAssessed,
    GoalAttainmentAssessed,
    WellbeingRated,
    SdqScored,
    OrsScored,
    SrsScored,
)
"""The contracts the fold uses (what the component consumes); others are ignored."""


def score_of(data: Measured) -> tuple[Instrument, int]:
    """The instrument and its summary score (SDQ: total difficulties; FIT: the four summed)."""
    if isinstance(data, WellbeingRated):
        return Instrument.TRIVSELSLINEALEN, data.score
    if isinstance(data, SdqScored):
        return Instrument.SDQ, data.standard_scores().total_difficulties
    if isinstance(data, OrsScored):
        return Instrument.ORS, data.item_sum()
    return Instrument.SRS, data.item_sum()


_Held = TypeVar("_Held", ConditionSeen, GoalSeen, Measurement)


def _entry(*parts: str) -> str:
    # A RecordId never holds the unit separator: the parts cannot run into each other.
    return "\x1f".join(parts)


def fold(case: CaseOutcomes, event: Event[Contract]) -> None:
    """Fold one event into its case's summary; events the model does not use are ignored."""
    data, at = event.data, event.envelope.time
    if isinstance(data, CaseOpened):
        if at >= case.child_at:
            case.child, case.child_at = data.child_cpr.reveal(), at
    elif isinstance(data, _MEASURE_FACTS):
        if data.measure_id is not None:
            _measure_fact(case.seen.setdefault(data.measure_id, MeasureSeen()), data, at)
    elif isinstance(data, ConditionsAssessed):
        for c in data.conditions:
            seen = ConditionSeen(data.measure_id, data.time_point, data.assessed_on,
                                 c.dimension, int(c.severity), at)  # fmt: skip
            _keep(case.conditions, _entry(data.assessment_id, c.dimension.value), seen)
    elif isinstance(data, GoalAttainmentAssessed):
        goal = GoalSeen(data.measure_id, data.assessed_on, data.attainment, at)
        _keep(case.goals, _entry(data.plan_id, data.goal_id), goal)
    elif isinstance(data, Measured):
        instrument, score = score_of(data)
        measured = Measurement(data.measure_id, instrument, data.time_point, data.measured_on,
                               score, at)  # fmt: skip
        _keep(case.measurements, data.measurement_id, measured)


def _keep(held: dict[str, _Held], key: str, new: _Held) -> None:
    old = held.get(key)
    if old is None or new.at >= old.at:
        held[key] = new


def _decided(measure: MeasureSeen, data: MeasureDecided, at: dt.datetime) -> None:
    if measure.newer("decision", at):
        measure.kind, measure.legal_basis = data.kind.value, str(data.legal_basis)
        measure.decided_start = data.period.start
    if data.expected_cost is not None and measure.newer("cost", at):
        measure.expected_cost = data.expected_cost


def _measure_fact(measure: MeasureSeen, data: _MEASURE_FACTS, at: dt.datetime) -> None:
    if isinstance(data, MeasureDecided):
        _decided(measure, data, at)
    elif isinstance(data, MeasureStarted):
        if measure.newer("started", at):
            measure.started_on = data.started_on
    elif isinstance(data, MeasureEnded):
        if measure.newer("ended", at):
            measure.ended_on = data.ended_on
    elif isinstance(data, CommitmentCreated):
        if measure.newer(f"commitment {data.commitment_id}", at):
            measure.commitments[data.commitment_id] = data.amount
    elif data.expected_cost is not None and measure.newer("cost", at):
        measure.expected_cost = data.expected_cost


class OutcomeModel:
    """Every case's outcomes, folded from its events."""

    def __init__(self) -> None:
        self.cases: dict[CaseKey, CaseOutcomes] = {}

    def apply(self, event: Event[Contract]) -> None:
        """Fold one event in; events the model does not use are ignored."""
        key = (event.envelope.municipality, event.envelope.caseid)
        case = self.cases.setdefault(key, CaseOutcomes())
        fold(case, event)
        if case.empty():
            del self.cases[key]  # a case seen only through events the model ignores
