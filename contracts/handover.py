"""Handover: a family moves and the case moves with it (BL §132, SEL §152).

The old municipality informs the new one and sends the case material with a summary; the
new one takes over the duty to act once it accepts, and reports that to statistics.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.types import Kommunekode, RecordId

__all__ = [
    "HandoverAccepted",
    "HandoverReceived",
    "HandoverRejected",
    "HandoverRejection",
    "HandoverStarted",
]


class HandoverStarted(Contract):
    """The old municipality has started handing the case over to the new one (BL §132)."""

    event_type: ClassVar[str] = "dk.casehub.handover.started"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover's id, shared by both sides.", C.INTERNAL)
    from_municipality: Kommunekode = classified("The municipality handing over.", C.INTERNAL)
    to_municipality: Kommunekode = classified("The municipality taking over.", C.INTERNAL)
    started_at: Timestamp = classified("When it started.", C.INTERNAL)
    documents: int = classified("How many documents are sent.", C.INTERNAL, ge=0)
    summary: str = classified(
        "The case summary sent with the material.", C.SENSITIVE, min_length=1, max_length=50_000
    )


class HandoverReceived(Contract):
    """The new municipality has received the case material."""

    event_type: ClassVar[str] = "dk.casehub.handover.received"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    received_at: Timestamp = classified("When it was received.", C.INTERNAL)
    documents: int = classified("How many documents arrived.", C.INTERNAL, ge=0)


class HandoverAccepted(Contract):
    """The new municipality has taken over the duty to act; the old one's ends."""

    event_type: ClassVar[str] = "dk.casehub.handover.accepted"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    accepted_at: Timestamp = classified("When responsibility passed.", C.INTERNAL)
    new_case_id: RecordId = classified("The case id in the new municipality.", C.INTERNAL)


class HandoverRejection(StrEnum):
    """Why the new municipality did not accept."""

    NOT_RESIDENT = "not_resident"  # the family did not move here
    INCOMPLETE = "incomplete"  # material missing; resend
    WRONG_RECIPIENT = "wrong_recipient"


class HandoverRejected(Contract):
    """The new municipality did not accept the handover; the old one keeps the duty to act."""

    event_type: ClassVar[str] = "dk.casehub.handover.rejected"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    rejected_at: Timestamp = classified("When it was rejected.", C.INTERNAL)
    rejection: HandoverRejection = classified("Why.", C.INTERNAL)
    note: str | None = classified(
        "An explanation for the old municipality.", C.SENSITIVE, default=None, max_length=5_000
    )
