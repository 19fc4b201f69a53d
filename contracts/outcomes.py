"""Outcomes: conditions assessed, goals attained and progression measured, in one language.

Every outcome names the time point (before, during or after a measure) and, for progression,
the measure it belongs to, so an extract can compare a child's before with their after. The
codes come from ``contracts.codelists`` (Danish labels, source, version); the instruments'
ranges are checked here, so a record outside them is quarantined, not counted. All of it is
about a child's health and conditions (GDPR art. 9): sensitive, free text included.

=====================  ========================================================
instrument             what is checked
=====================  ========================================================
Trivselslinealen       one rating 1-10; rated by the child, a parent or the case worker
SDQ                    25 ticks 0-2; informant child (self-report, age 11-17), parent
                       or teacher (age 2-17); scores, when sent, equal the standard
                       scoring (reverse-scored items included: ``contracts.sdq``)
FIT ORS / SRS          four items 0-10; total, when sent, is their sum (0-40);
                       answered by the child or a parent
=====================  ========================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.codelists import GoalAttainment, Informant, Severity, TimePoint
from contracts.ics import IcsDimension
from contracts.problems import cross_field
from contracts.sdq import subscale_scores, total
from contracts.types import RecordId

__all__ = [
    "Condition",
    "ConditionsAssessed",
    "GoalAttainmentAssessed",
    "OrsScored",
    "SdqScored",
    "SdqScores",
    "SrsScored",
    "WellbeingRated",
]

_NOTE_MAX = 5_000
FitItem = Annotated[int, Field(ge=0, le=10)]
SdqTick = Annotated[int, Field(ge=0, le=2)]


def _note() -> str | None:
    return classified(  # type: ignore[no-any-return]
        "Free text in the case worker's words.", C.SENSITIVE, default=None,
        min_length=1, max_length=_NOTE_MAX,
    )  # fmt: skip


def _must_be(informant: Informant, allowed: set[Informant], instrument: str) -> None:
    if informant not in allowed:
        msg = f"{instrument} is not answered by {informant.value}"
        raise cross_field(msg, "informant")


class Condition(Record):
    """One condition assessed: a dimension of the common language and how severe it is."""

    dimension: IcsDimension = classified("The condition (code list 'conditions').", C.SENSITIVE)
    severity: Severity = classified("0 none … 4 complete (code list 'severity').", C.SENSITIVE)
    note: str | None = _note()


class ConditionsAssessed(Contract):
    """A child's conditions were assessed, each dimension with a severity, at one time point."""

    event_type: ClassVar[str] = "dk.casehub.outcome.conditions-assessed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "outcome"

    assessment_id: RecordId = classified("The assessment's id.", C.INTERNAL)
    measure_id: RecordId | None = classified(
        "The measure it is before, during or after; absent before any is decided.",
        C.INTERNAL, default=None,
    )  # fmt: skip
    time_point: TimePoint = classified("Before, during or after the measure.", C.INTERNAL)
    assessed_on: dt.date = classified("When.", C.INTERNAL)
    code_list_version: Literal["2026.1"] = classified(
        "The version of the 'conditions' and 'severity' code lists coded against.", C.PUBLIC
    )
    conditions: tuple[Condition, ...] = classified(
        "The dimensions assessed, each once.", C.SENSITIVE, min_length=1, max_length=10
    )

    @model_validator(mode="after")
    def _each_dimension_once(self) -> Self:
        dimensions = [c.dimension for c in self.conditions]
        if len(set(dimensions)) != len(dimensions):
            msg = "a dimension is assessed at most once per assessment"
            raise cross_field(msg, "conditions")
        return self


class GoalAttainmentAssessed(Contract):
    """How far one goal of the child's plan (BL §91) or youth plan (BL §108) was reached."""

    event_type: ClassVar[str] = "dk.casehub.outcome.goal-attainment-assessed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "outcome"

    plan_id: RecordId = classified("The plan, as in PlanCreated.", C.INTERNAL)
    goal_id: RecordId = classified("The goal within the plan; stable across revisions.", C.INTERNAL)
    measure_id: RecordId | None = classified(
        "The measure that works towards it.", C.INTERNAL, default=None
    )
    dimension: IcsDimension | None = classified(
        "The condition the goal is about (code list 'conditions').", C.SENSITIVE, default=None
    )
    goal: str = classified("The goal in words.", C.SENSITIVE, min_length=1, max_length=2_000)
    time_point: TimePoint = classified(
        "During or after the measure: a goal is not attained before it is set.", C.INTERNAL
    )
    assessed_on: dt.date = classified("When.", C.INTERNAL)
    attainment: GoalAttainment = classified("Not, partly or fully attained.", C.SENSITIVE)
    note: str | None = _note()

    @model_validator(mode="after")
    def _not_before(self) -> Self:
        if self.time_point is TimePoint.BEFORE:
            msg = "a goal's attainment is assessed during or after the measure"
            raise cross_field(msg, "time_point")
        return self


class _Measurement(Contract):
    """What every progression measurement says: which measure, when, by whom."""

    measurement_id: RecordId = classified("The measurement's id.", C.INTERNAL)
    measure_id: RecordId = classified("The measure it belongs to.", C.INTERNAL)
    time_point: TimePoint = classified("Before, during or after the measure.", C.INTERNAL)
    measured_on: dt.date = classified("When it was answered.", C.INTERNAL)
    informant: Informant = classified("Who answered.", C.SENSITIVE)
    note: str | None = _note()


class WellbeingRated(_Measurement):
    """DUBU's Trivselslinealen: how well the child is, on a line from 1 to 10."""

    event_type: ClassVar[str] = "dk.casehub.outcome.wellbeing-rated"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "outcome"

    score: int = classified("1 (very bad) to 10 (very good).", C.SENSITIVE, ge=1, le=10)

    @model_validator(mode="after")
    def _informant(self) -> Self:
        allowed = {Informant.CHILD, Informant.PARENT, Informant.CASE_WORKER}
        _must_be(self.informant, allowed, "Trivselslinealen")
        return self


class SdqScores(Record):
    """The SDQ's five subscale scores and total difficulties, as the standard scoring gives."""

    emotional: int = classified("Emotional symptoms, 0-10.", C.SENSITIVE, ge=0, le=10)
    conduct: int = classified("Conduct problems, 0-10.", C.SENSITIVE, ge=0, le=10)
    hyperactivity: int = classified("Hyperactivity/inattention, 0-10.", C.SENSITIVE, ge=0, le=10)
    peer: int = classified("Peer relationship problems, 0-10.", C.SENSITIVE, ge=0, le=10)
    prosocial: int = classified("Prosocial behaviour, 0-10.", C.SENSITIVE, ge=0, le=10)
    total_difficulties: int = classified(
        "The four difficulty subscales summed, 0-40.", C.SENSITIVE, ge=0, le=40
    )


class SdqScored(_Measurement):
    """An SDQ was answered: the 25 ticks, and the scores if the vendor's system computed them."""

    event_type: ClassVar[str] = "dk.casehub.outcome.sdq-scored"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "outcome"

    child_age_years: int = classified(
        "The child's age in whole years when answered (the form depends on it).",
        C.PERSONAL, ge=2, le=17,
    )  # fmt: skip
    items: tuple[SdqTick, ...] = classified(
        "Items 1-25 as ticked: 0 not true, 1 somewhat true, 2 certainly true.",
        C.SENSITIVE, min_length=25, max_length=25,
    )  # fmt: skip
    scores: SdqScores | None = classified(
        "The scores as sent; checked against the standard scoring of the items.",
        C.SENSITIVE, default=None,
    )  # fmt: skip

    def standard_scores(self) -> SdqScores:
        """The scores the standard scoring gives for these items."""
        scores = subscale_scores(self.items)
        return SdqScores(
            **{s.value: v for s, v in scores.items()}, total_difficulties=total(scores)
        )

    @model_validator(mode="after")
    def _checked(self) -> Self:
        _must_be(self.informant, {Informant.CHILD, Informant.PARENT, Informant.TEACHER}, "SDQ")
        if self.informant is Informant.CHILD and self.child_age_years < 11:  # noqa: PLR2004
            msg = "the SDQ self-report is for ages 11-17"
            raise cross_field(msg, "informant", "child_age_years")
        if self.scores is not None and self.scores != self.standard_scores():
            msg = "the scores differ from the standard SDQ scoring of the items"
            raise cross_field(msg, "scores")
        return self


class _FitScored(_Measurement):
    """A FIT form: four items 0-10, total 0-40, answered by the child or a parent."""

    total: int | None = classified(
        "The four items summed, 0-40, as sent; checked.", C.SENSITIVE, default=None, ge=0, le=40
    )

    def item_sum(self) -> int:
        """The four items summed."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _checked(self) -> Self:
        _must_be(self.informant, {Informant.CHILD, Informant.PARENT}, "FIT")
        if self.total is not None and self.total != self.item_sum():
            msg = "the total is not the sum of the four items"
            raise cross_field(msg, "total")
        return self


class OrsScored(_FitScored):
    """FIT's Outcome Rating Scale: how the child has been doing, four lines of 0-10."""

    event_type: ClassVar[str] = "dk.casehub.outcome.ors-scored"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "outcome"

    individually: FitItem = classified("Personal well-being, 0-10.", C.SENSITIVE)
    interpersonally: FitItem = classified("Family and close relationships, 0-10.", C.SENSITIVE)
    socially: FitItem = classified("School, work and friendships, 0-10.", C.SENSITIVE)
    overall: FitItem = classified("General sense of well-being, 0-10.", C.SENSITIVE)

    def item_sum(self) -> int:
        """The four items summed."""
        return self.individually + self.interpersonally + self.socially + self.overall


class SrsScored(_FitScored):
    """FIT's Session Rating Scale: how the child found a session, four lines of 0-10."""

    event_type: ClassVar[str] = "dk.casehub.outcome.srs-scored"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "outcome"

    relationship: FitItem = classified("Felt heard, understood, respected; 0-10.", C.SENSITIVE)
    goals_and_topics: FitItem = classified("Worked on what I wanted; 0-10.", C.SENSITIVE)
    approach_or_method: FitItem = classified("The approach fits me; 0-10.", C.SENSITIVE)
    overall: FitItem = classified("Overall, the session was right; 0-10.", C.SENSITIVE)

    def item_sum(self) -> int:
        """The four items summed."""
        return self.relationship + self.goals_and_topics + self.approach_or_method + self.overall
