"""The outcome read model: what the extract needs from a case's history, folded event by event.

It keeps, per case, the child (for the pseudonym only: it never leaves the process), each
measure's kind, legal basis and days, the conditions assessed, the progression measured
and the latest attainment of each goal. Events of other types are ignored; a later event
for the same goal replaces the earlier one, so a redelivered event changes nothing. Topics
are read one after another, so a measure's start (or change) may come before its decision:
it waits for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.codelists import GoalAttainment, Instrument, TimePoint
from contracts.decision import MeasureDecided
from contracts.envelope import Event
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
    "CaseKey",
    "CaseOutcomes",
    "ConditionSeen",
    "GoalSeen",
    "MeasureSeen",
    "Measured",
    "Measurement",
    "OutcomeModel",
    "score_of",
]

CaseKey = tuple[str, str]
"""(kommunekode, case id)."""


@dataclass
class MeasureSeen:
    """One measure: what and under which paragraph, and when it ran."""

    kind: str
    legal_basis: str
    decided_start: dt.date
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    expected_cost: Decimal | None = None
    """DKK over the period, as decided or last changed (MeasureChanged)."""

    @property
    def first_day(self) -> dt.date:
        """The day it started, or was decided to start."""
        return self.started_on or self.decided_start

    def duration_days(self) -> int | None:
        """Days from first to last day, both counted; None while it runs."""
        if self.ended_on is None:
            return None
        return (self.ended_on - self.first_day).days + 1


@dataclass(frozen=True)
class ConditionSeen:
    """One dimension's severity at one time point of one measure."""

    measure_id: str | None
    time_point: TimePoint
    on: dt.date
    dimension: IcsDimension
    severity: int


@dataclass(frozen=True)
class Measurement:
    """One instrument's summary score at one time point of one measure."""

    measure_id: str
    instrument: Instrument
    time_point: TimePoint
    on: dt.date
    score: int


@dataclass(frozen=True)
class GoalSeen:
    """The latest attainment of one goal."""

    measure_id: str | None
    on: dt.date
    attainment: GoalAttainment


@dataclass
class CaseOutcomes:
    """Everything the extract uses about one case."""

    child: str | None = None
    """The child's CPR number: the pseudonym's input, held in memory only."""
    measures: dict[str, MeasureSeen] = field(default_factory=dict)
    conditions: dict[tuple[str, IcsDimension, TimePoint, str | None], ConditionSeen] = field(
        default_factory=dict
    )
    measurements: dict[str, Measurement] = field(default_factory=dict)
    goals: dict[tuple[str, str], GoalSeen] = field(default_factory=dict)
    dates: dict[str, list[MeasureStarted | MeasureEnded | MeasureChanged]] = field(
        default_factory=dict
    )
    """Starts and ends read before their decision (another topic): applied when it comes."""


Measured = WellbeingRated | SdqScored | OrsScored | SrsScored
"""The progression measurements."""


def score_of(data: Measured) -> tuple[Instrument, int]:
    """The instrument and its summary score (SDQ: total difficulties; FIT: the four summed)."""
    if isinstance(data, WellbeingRated):
        return Instrument.TRIVSELSLINEALEN, data.score
    if isinstance(data, SdqScored):
        return Instrument.SDQ, data.standard_scores().total_difficulties
    if isinstance(data, OrsScored):
        return Instrument.ORS, data.item_sum()
    return Instrument.SRS, data.item_sum()


class OutcomeModel:
    """Every case's outcomes, folded from its events in order."""

    def __init__(self) -> None:
        self.cases: dict[CaseKey, CaseOutcomes] = {}

    def apply(self, event: Event[Contract]) -> None:
        """Fold one event in; events the model does not use are ignored."""
        key = (event.envelope.municipality, event.envelope.caseid)
        data = event.data
        case = self.cases.setdefault(key, CaseOutcomes())
        if isinstance(data, CaseOpened):
            case.child = data.child_cpr.reveal()
        elif isinstance(data, MeasureDecided):
            case.measures[data.measure_id] = MeasureSeen(
                data.kind.value, str(data.legal_basis), data.period.start,
                expected_cost=data.expected_cost,
            )  # fmt: skip
            for dated in case.dates.pop(data.measure_id, []):
                self._dated(case, dated)
        elif isinstance(data, MeasureStarted | MeasureEnded | MeasureChanged):
            self._dated(case, data)
        elif isinstance(data, ConditionsAssessed):
            for c in data.conditions:
                seen = ConditionSeen(data.measure_id, data.time_point, data.assessed_on,
                                     c.dimension, int(c.severity))  # fmt: skip
                case.conditions[data.assessment_id, c.dimension, data.time_point,
                                data.measure_id] = seen  # fmt: skip
        elif isinstance(data, GoalAttainmentAssessed):
            case.goals[data.plan_id, data.goal_id] = GoalSeen(
                data.measure_id, data.assessed_on, data.attainment
            )
        elif isinstance(data, Measured):
            instrument, score = score_of(data)
            case.measurements[data.measurement_id] = Measurement(
                data.measure_id, instrument, data.time_point, data.measured_on, score
            )
        if not (case.child or case.measures or case.conditions or case.measurements
                or case.goals or case.dates):  # fmt: skip
            del self.cases[key]  # a case seen only through events the model ignores

    @staticmethod
    def _dated(case: CaseOutcomes, data: MeasureStarted | MeasureEnded | MeasureChanged) -> None:
        measure = case.measures.get(data.measure_id)
        if measure is None:  # its decision is on another topic, perhaps not read yet
            case.dates.setdefault(data.measure_id, []).append(data)
            return
        if isinstance(data, MeasureStarted):
            measure.started_on = data.started_on
        elif isinstance(data, MeasureEnded):
            measure.ended_on = data.ended_on
        elif data.expected_cost is not None:
            measure.expected_cost = data.expected_cost
