"""Deadlines: the legal clock (DOMAIN.md §2), as facts a deadline engine publishes.

Each deadline comes from one rule applied to one trigger event, and has a due time and an
escalation time. Clocks start on confirmed events (a delivered letter), not intentions.

Version 2 of the four contracts carries an ``ActBasis``, which also names acts and orders
other than Serviceloven and Barnets Lov (the appeal period under Retssikkerhedsloven §67,
the statistics reports under the data-reporting order). It reads every v1 record. The v1
classes stay exactly as published: records of them may be replayed. Both versions travel
on the same ``deadline`` topic; ``ce_contractversion`` says which one a record is.

``DeadlineWithdrawn`` (v1, with the v2 basis) ends a deadline without a miss when its
reason went away: the measure it concerns ended, or the case was closed. Version 2 adds the
reason ``handed_over``: the case moved to another municipality, whose clock took the duty
(``contracts.handover.DeadlinesTakenOver``, BL §132).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.legal import ActBasis, LegalBasis
from contracts.problems import cross_field
from contracts.types import RecordId

__all__ = [
    "DeadlineApproaching",
    "DeadlineApproachingV2",
    "DeadlineMet",
    "DeadlineMetV2",
    "DeadlineMissed",
    "DeadlineMissedV2",
    "DeadlineSet",
    "DeadlineSetV2",
    "DeadlineWithdrawn",
    "DeadlineWithdrawnV2",
    "WithdrawalReason",
    "WithdrawalReasonV2",
]


class _Deadline(Contract):
    """The fields every deadline fact carries."""

    deadline_id: RecordId = classified(
        "The deadline's id; stable for one rule and trigger.", C.INTERNAL
    )
    rule_id: str = classified(
        "The rule that set it, e.g. bl-136-acute-assessment.",
        C.INTERNAL,
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
    )
    due_at: Timestamp = classified("When it is due.", C.INTERNAL)
    escalate_at: Timestamp = classified(
        "When it is escalated (to a team lead) if still open.", C.INTERNAL
    )
    legal_basis: LegalBasis = classified("The paragraph that sets the deadline.", C.INTERNAL)
    trigger_event_id: str = classified(
        "The id of the event that started the clock.",
        C.INTERNAL,
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
    )


class DeadlineSet(_Deadline):
    """A legal deadline has started, e.g. the 24-hour assessment after a notification."""

    event_type: ClassVar[str] = "dk.casehub.deadline.set"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "deadline"

    @model_validator(mode="after")
    def _escalation_not_after_due(self) -> Self:
        _check_escalation(self.escalate_at, self.due_at)
        return self


class DeadlineApproaching(_Deadline):
    """A deadline is close and nothing has met it yet."""

    event_type: ClassVar[str] = "dk.casehub.deadline.approaching"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "deadline"


class DeadlineMissed(_Deadline):
    """A deadline passed without the event that meets it."""

    event_type: ClassVar[str] = "dk.casehub.deadline.missed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "deadline"


class DeadlineMet(_Deadline):
    """The event that meets a deadline has happened."""

    event_type: ClassVar[str] = "dk.casehub.deadline.met"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "deadline"

    met_at: Timestamp = classified("When it was met.", C.INTERNAL)
    met_by_event_id: str = classified(
        "The id of the event that met it.",
        C.INTERNAL,
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
    )


# -- version 2: the same facts, with a basis that may name any act or order -----------------


class _DeadlineV2(Contract):
    """The fields every deadline fact carries from version 2 on."""

    deadline_id: RecordId = classified(
        "The deadline's id; stable for one rule and trigger.", C.INTERNAL
    )
    rule_id: str = classified(
        "The rule that set it, e.g. notification-acute-assessment.",
        C.INTERNAL,
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
    )
    due_at: Timestamp = classified("When it is due.", C.INTERNAL)
    escalate_at: Timestamp = classified(
        "When it is escalated (to a team lead) if still open.", C.INTERNAL
    )
    legal_basis: ActBasis = classified(
        "The act or order, and its paragraph, that sets the deadline.", C.INTERNAL
    )
    trigger_event_id: str = classified(
        "The id of the event that started the clock.",
        C.INTERNAL,
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
    )


class DeadlineSetV2(_DeadlineV2):
    """A legal deadline has started, e.g. the 24-hour assessment after a notification.

    Version 2: the legal basis may be another act or order than SEL and BL.
    """

    event_type: ClassVar[str] = "dk.casehub.deadline.set"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "deadline"

    @model_validator(mode="after")
    def _escalation_not_after_due(self) -> Self:
        _check_escalation(self.escalate_at, self.due_at)
        return self


class DeadlineApproachingV2(_DeadlineV2):
    """A deadline is close and nothing has met it yet.

    Version 2: the legal basis may be another act or order than SEL and BL.
    """

    event_type: ClassVar[str] = "dk.casehub.deadline.approaching"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "deadline"


class DeadlineMissedV2(_DeadlineV2):
    """A deadline passed without the event that meets it.

    Version 2: the legal basis may be another act or order than SEL and BL.
    """

    event_type: ClassVar[str] = "dk.casehub.deadline.missed"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "deadline"


class DeadlineMetV2(_DeadlineV2):
    """The event that meets a deadline has happened.

    Version 2: the legal basis may be another act or order than SEL and BL.
    """

    event_type: ClassVar[str] = "dk.casehub.deadline.met"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "deadline"

    met_at: Timestamp = classified("When it was met.", C.INTERNAL)
    met_by_event_id: str = classified(
        "The id of the event that met it.",
        C.INTERNAL,
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
    )


class WithdrawalReason(StrEnum):
    """Why a deadline was withdrawn."""

    MEASURE_ENDED = "measure_ended"  # the measure it concerns ended (MeasureEnded)
    CASE_CLOSED = "case_closed"  # the case was closed (CaseClosed)


class DeadlineWithdrawn(_DeadlineV2):
    """A deadline ended without being met or missed: the reason for the duty went away.

    The measure it concerns ended, or the case was closed, before it was due. Which
    deadlines an ending withdraws is the rule's (the appeal period and the statistics
    reports are never withdrawn).
    """

    event_type: ClassVar[str] = "dk.casehub.deadline.withdrawn"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "deadline"

    withdrawn_at: Timestamp = classified(
        "When the reason went away (the measure's last day, the case's closing).", C.INTERNAL
    )
    reason: WithdrawalReason = classified("Why it was withdrawn.", C.INTERNAL)
    withdrawn_by_event_id: str = classified(
        "The id of the event that withdrew it (the MeasureEnded or CaseClosed).",
        C.INTERNAL,
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
    )


class WithdrawalReasonV2(StrEnum):
    """Why a deadline was withdrawn (``DeadlineWithdrawnV2``): version 1's reasons and more."""

    MEASURE_ENDED = "measure_ended"  # the measure it concerns ended (MeasureEnded)
    CASE_CLOSED = "case_closed"  # the case was closed (CaseClosed)
    HANDED_OVER = "handed_over"  # another municipality took the case over (HandoverAnswered)


class DeadlineWithdrawnV2(_DeadlineV2):
    """A deadline ended without being met or missed: the reason for the duty went away.

    Version 2: also ``handed_over``, when the receiving municipality accepted the case and
    its clock took the deadline over (same due time); the engine publishes version 1 for
    the reasons version 1 knows, so a consumer on version 1 reads those still.
    """

    event_type: ClassVar[str] = "dk.casehub.deadline.withdrawn"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "deadline"

    withdrawn_at: Timestamp = classified(
        "When the reason went away (the measure's last day, the case's closing, the "
        "receiving municipality's acceptance).",
        C.INTERNAL,
    )
    reason: WithdrawalReasonV2 = classified("Why it was withdrawn.", C.INTERNAL)
    withdrawn_by_event_id: str = classified(
        "The id of the event that withdrew it (MeasureEnded, CaseClosed, HandoverAnswered).",
        C.INTERNAL,
        min_length=1,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
    )


def _check_escalation(escalate_at: dt.datetime, due_at: dt.datetime) -> None:
    if escalate_at > due_at:
        msg = "escalate_at must not be later than due_at"
        raise cross_field(msg, "escalate_at", "due_at")
