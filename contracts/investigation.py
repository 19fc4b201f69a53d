"""Investigation: the child investigation (børnefaglig undersøgelse, BL §20 / SEL §50).

Due 4 months after the municipality became aware of a possible need; past that a
provisional assessment is recorded and the investigation ends "as soon as possible".
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.ics import IcsTriangle
from contracts.legal import LegalBasis
from contracts.types import RecordId

__all__ = [
    "ChildHeard",
    "HearingForm",
    "InvestigationCompleted",
    "InvestigationConclusion",
    "InvestigationStarted",
    "ProvisionalAssessmentRecorded",
]


class InvestigationStarted(Contract):
    """A child investigation has been started (BL §20, SEL §50).

    ``aware_since`` starts the 4-month clock, not the start of the investigation.
    """

    event_type: ClassVar[str] = "dk.casehub.investigation.started"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "investigation"

    investigation_id: RecordId = classified("The investigation's id.", C.INTERNAL)
    started_at: Timestamp = classified("When the investigation was started.", C.INTERNAL)
    aware_since: dt.date = classified(
        "When the municipality became aware of a possible need; the 4-month clock starts.",
        C.INTERNAL,
    )
    legal_basis: LegalBasis = classified("BL §20 or, for older cases, SEL §50.", C.INTERNAL)
    reason: str = classified(
        "Why the investigation is needed.", C.SENSITIVE, min_length=1, max_length=20_000
    )


class HearingForm(StrEnum):
    """How the child's view was obtained (BL §5, SEL §48)."""

    CONVERSATION = "conversation"  # børnesamtale
    OBSERVATION = "observation"  # for a child too young to talk about it
    WAIVED = "waived"  # the child declined, or the conversation would harm the child


class ChildHeard(Contract):
    """The child has been heard before a decision (BL §5, SEL §48)."""

    event_type: ClassVar[str] = "dk.casehub.investigation.child-heard"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "investigation"

    heard_at: Timestamp = classified("When the child was heard.", C.INTERNAL)
    form: HearingForm = classified("How the child's view was obtained.", C.SENSITIVE)
    support_person_present: bool = classified(
        "A support person (bisidder) was present.", C.SENSITIVE
    )
    summary: str = classified(
        "The child's view as recorded.", C.SENSITIVE, min_length=1, max_length=20_000
    )


class ProvisionalAssessmentRecorded(Contract):
    """The 4-month deadline passed: a provisional assessment is recorded (BL §20 stk. 3)."""

    event_type: ClassVar[str] = "dk.casehub.investigation.provisional-assessment-recorded"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "investigation"

    investigation_id: RecordId = classified("The investigation.", C.INTERNAL)
    recorded_at: Timestamp = classified("When the assessment was recorded.", C.INTERNAL)
    expected_completion: dt.date = classified(
        "When the investigation is now expected to be completed.", C.INTERNAL
    )
    assessment: str = classified(
        "The provisional assessment.", C.SENSITIVE, min_length=1, max_length=20_000
    )


class InvestigationConclusion(StrEnum):
    """What the investigation concluded about the need for support."""

    NO_NEED = "no_need"
    SUPPORTING_MEASURES = "supporting_measures"  # BL §32
    PLACEMENT = "placement"  # BL §46 / §47
    OTHER = "other"


class InvestigationCompleted(Contract):
    """The child investigation is completed, with the ICS assessment of all ten dimensions."""

    event_type: ClassVar[str] = "dk.casehub.investigation.completed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "investigation"

    investigation_id: RecordId = classified("The investigation.", C.INTERNAL)
    completed_at: Timestamp = classified("When it was completed.", C.INTERNAL)
    triangle: IcsTriangle = classified(
        "The ICS triangle: three sides, ten dimensions, each rated and described.", C.SENSITIVE
    )
    conclusion: InvestigationConclusion = classified("What it concluded.", C.SENSITIVE)
    summary: str = classified(
        "The overall assessment.", C.SENSITIVE, min_length=1, max_length=50_000
    )
