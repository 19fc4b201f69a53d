"""Letters: Digital Post (SF1601, MeMo 1.2) to citizens and professionals, with print fallback.

Legal clocks that run from a letter (the 4-week appeal deadline) start on
``LetterDelivered``, never on ``LetterRequested``: a letter that was never delivered
starts nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.cpr import Cpr
from contracts.guards import Timestamp
from contracts.types import RecordId

__all__ = [
    "DeliveryChannel",
    "LetterDelivered",
    "LetterFailed",
    "LetterFailure",
    "LetterPurpose",
    "LetterRequested",
]


class LetterPurpose(StrEnum):
    """Why the letter is sent."""

    RECEIPT = "receipt"  # receipt to a notifier, BL §137
    DECISION = "decision"  # carries a decision and its appeal guidance
    HEARING = "hearing"  # partshøring
    MEETING = "meeting"
    OTHER = "other"


class LetterRequested(Contract):
    """The hub has been asked to send a letter by Digital Post."""

    event_type: ClassVar[str] = "dk.casehub.letter.requested"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter's id.", C.INTERNAL)
    recipient_cpr: Cpr = classified("The recipient.", C.PERSONAL)
    purpose: LetterPurpose = classified("Why it is sent.", C.INTERNAL)
    decision_id: RecordId | None = classified(
        "The decision the letter carries, if any.", C.INTERNAL, default=None
    )
    title: str = classified("The letter's title.", C.PERSONAL, min_length=1, max_length=200)
    body: str = classified("The letter's text.", C.SENSITIVE, min_length=1, max_length=100_000)
    print_fallback: bool = classified(
        "Print and post the letter if the recipient has no digital mailbox.",
        C.INTERNAL,
        default=True,
    )


class DeliveryChannel(StrEnum):
    """Where the letter was delivered."""

    DIGITAL_POST = "digital_post"  # e-Boks / mit.dk
    PRINT = "print"  # physical letter (SF1600)


class LetterDelivered(Contract):
    """Digital Post confirmed delivery; deadlines that run from the letter start now."""

    event_type: ClassVar[str] = "dk.casehub.letter.delivered"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter.", C.INTERNAL)
    delivered_at: Timestamp = classified("When delivery was confirmed.", C.INTERNAL)
    channel: DeliveryChannel = classified("Digital or printed.", C.INTERNAL)
    message_uuid: str = classified(
        "The MeMo message UUID.",
        C.INTERNAL,
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    )


class LetterFailure(StrEnum):
    """Why a letter could not be delivered."""

    NO_MAILBOX_NO_PRINT = "no_mailbox_no_print"
    RECIPIENT_EXEMPT = "recipient_exempt"
    REJECTED = "rejected"  # Digital Post rejected the MeMo message
    UNAVAILABLE = "unavailable"  # retries exhausted


class LetterFailed(Contract):
    """A letter could not be delivered; nothing that depends on it has started."""

    event_type: ClassVar[str] = "dk.casehub.letter.failed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter.", C.INTERNAL)
    failed_at: Timestamp = classified("When it was given up.", C.INTERNAL)
    failure: LetterFailure = classified("Why.", C.INTERNAL)
    code: str | None = classified(
        "Digital Post's error code, if it gave one.",
        C.INTERNAL,
        default=None,
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
    )
