"""Measures: a decided measure started, changed, followed up and ended (BL §95, SEL §70).

Starting a measure starts the follow-up clock: the first follow-up is due after 3 months
or when a parallel investigation ends, whichever is earlier.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.decision import Provider
from contracts.guards import Timestamp
from contracts.money import Money
from contracts.types import RecordId

__all__ = [
    "FollowUpCompleted",
    "FollowUpFinding",
    "MeasureChange",
    "MeasureChanged",
    "MeasureEnded",
    "MeasureEnding",
    "MeasureStarted",
]


class MeasureStarted(Contract):
    """A decided measure has actually started; the follow-up clock (BL §95) starts."""

    event_type: ClassVar[str] = "dk.casehub.measure.started"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "measure"

    measure_id: RecordId = classified("The measure, as in MeasureDecided.", C.INTERNAL)
    decision_id: RecordId = classified("The decision it carries out.", C.INTERNAL)
    started_on: dt.date = classified("First day of the measure.", C.INTERNAL)
    provider: Provider | None = classified("Who delivers it.", C.INTERNAL, default=None)


class MeasureChange(StrEnum):
    """What changed about a running measure."""

    PROVIDER = "provider"
    EXTENT = "extent"  # hours, frequency
    PERIOD = "period"
    PLACEMENT_PLACE = "placement_place"  # a new placement place (DST event code 1)
    CONSENT = "consent"  # without consent → with consent (DST event code 2)


class MeasureChanged(Contract):
    """A running measure has changed without a new decision of another kind."""

    event_type: ClassVar[str] = "dk.casehub.measure.changed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "measure"

    measure_id: RecordId = classified("The measure.", C.INTERNAL)
    changed_on: dt.date = classified("From when the change applies.", C.INTERNAL)
    change: MeasureChange = classified("What changed.", C.SENSITIVE)
    provider: Provider | None = classified(
        "The provider after the change, if it changed.", C.INTERNAL, default=None
    )
    expected_cost: Money | None = classified(
        "The new expected cost in DKK, if it changed.", C.INTERNAL, default=None
    )
    reason: str = classified("Why it changed.", C.SENSITIVE, min_length=1, max_length=20_000)


class FollowUpFinding(StrEnum):
    """What the follow-up found."""

    CONTINUE = "continue"
    ADJUST = "adjust"
    END = "end"


class FollowUpCompleted(Contract):
    """A follow-up on a measure has been done (BL §95; SEL §70: after 3 months, then 6)."""

    event_type: ClassVar[str] = "dk.casehub.measure.follow-up-completed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "measure"

    measure_id: RecordId = classified("The measure followed up.", C.INTERNAL)
    completed_at: Timestamp = classified("When the follow-up was done.", C.INTERNAL)
    finding: FollowUpFinding = classified("What it found.", C.SENSITIVE)
    next_follow_up: dt.date | None = classified(
        "When the next follow-up is due.", C.INTERNAL, default=None
    )
    notes: str = classified(
        "The follow-up's assessment.", C.SENSITIVE, min_length=1, max_length=20_000
    )


class MeasureEnding(StrEnum):
    """Why a measure ended."""

    GOAL_REACHED = "goal_reached"
    PERIOD_OVER = "period_over"
    REPLACED = "replaced"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    MOVED = "moved"
    TURNED_ADULT = "turned_adult"
    OTHER = "other"


class MeasureEnded(Contract):
    """A measure has ended; for a placement this is DST event code 5."""

    event_type: ClassVar[str] = "dk.casehub.measure.ended"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "measure"

    measure_id: RecordId = classified("The measure.", C.INTERNAL)
    ended_on: dt.date = classified("Last day of the measure.", C.INTERNAL)
    ending: MeasureEnding = classified("Why it ended.", C.SENSITIVE)
