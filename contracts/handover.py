"""Handover: a family moves and the case moves with it (BL §132, SEL §152).

The old municipality informs the new one and sends the case material with a summary; the
new one takes over the duty to act once it accepts, and reports that to statistics.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.documents import DocumentReference
from contracts.guards import Timestamp
from contracts.legal import ActBasis
from contracts.types import Kommunekode, RecordId

__all__ = [
    "DeadlinesTakenOver",
    "HandoverAccepted",
    "HandoverAnswered",
    "HandoverDelivered",
    "HandoverReceived",
    "HandoverReceivedV2",
    "HandoverRefusal",
    "HandoverRefused",
    "HandoverRejected",
    "HandoverRejection",
    "HandoverStarted",
    "TakenDeadline",
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


class HandoverReceivedV2(HandoverReceived):
    """The new municipality has received the case material, its documents stored here.

    v2: names each document of the package as the receiving hub stored it in its own
    document store (the claim check), so its case system fetches them through the port.
    Optional, so a v1 event reads as v2 without them.
    """

    event_version: ClassVar[int] = 2

    references: tuple[DocumentReference, ...] = classified(
        "The package's documents in the receiver's document store, in the package's order.",
        C.INTERNAL,
        default=(),
    )


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


class HandoverRefusal(StrEnum):
    """Why the receiving municipality's hub refused a package (``docs/handover.md``)."""

    MALFORMED = "malformed"
    WRONG_RECIPIENT = "wrong_recipient"
    TAMPERED = "tampered"
    UNKNOWN_CA = "unknown_ca"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"
    UNKNOWN_SENDER = "unknown_sender"
    OTHER = "other"  # the receiver gave a reason this hub does not know


class HandoverDelivered(Contract):
    """The sending hub delivered the package; the receiver's signed receipt is verified."""

    event_type: ClassVar[str] = "dk.casehub.handover.delivered"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    to_municipality: Kommunekode = classified(
        "The municipality that signed the receipt.", C.INTERNAL
    )
    received_at: Timestamp = classified("When the receiver took it (its receipt).", C.INTERNAL)
    documents: int = classified("How many documents the receipt counts.", C.INTERNAL, ge=0)
    package_sha256: str = classified(
        "SHA-256 of the package the receipt acknowledges, hex.",
        C.INTERNAL,
        pattern=r"^[0-9a-f]{64}$",
    )


class HandoverRefused(Contract):
    """The receiver refused the package: the old municipality keeps the duty to act."""

    event_type: ClassVar[str] = "dk.casehub.handover.refused"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    refused_at: Timestamp = classified("When the refusal came.", C.INTERNAL)
    refusal: HandoverRefusal = classified("Why.", C.INTERNAL)


class HandoverAnswered(Contract):
    """The receiving municipality's answer, back at the sending one: accepted or rejected.

    Published on the sending municipality's bus from the receiver's signed answer (its case
    system's ``HandoverAccepted`` or ``HandoverRejected``). Accepted: the duty to act has
    passed; rejected: it stays with the sender.
    """

    event_type: ClassVar[str] = "dk.casehub.handover.answered"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    answered_at: Timestamp = classified("When the receiver accepted or rejected it.", C.INTERNAL)
    accepted: bool = classified(
        "Whether the receiving municipality took the case over.", C.INTERNAL
    )
    new_case_id: RecordId | None = classified(
        "The case id in the new municipality, when accepted.", C.INTERNAL, default=None
    )
    rejection: HandoverRejection | None = classified(
        "Why not, when rejected.", C.INTERNAL, default=None
    )


class TakenDeadline(Record):
    """One open deadline of the sending municipality, as its handover package named it."""

    deadline_id: RecordId = classified("The deadline's id at the sending municipality.", C.INTERNAL)
    rule_id: str = classified(
        "The rule that set it, as the package names it (the deadline contracts' rule id"
        " from a casehub sender); a rule the receiver does not know is not timed.",
        C.INTERNAL,
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
    )
    due_at: Timestamp = classified("When it is due: the same at the receiver.", C.INTERNAL)
    escalate_at: Timestamp = classified("When it is escalated if still open.", C.INTERNAL)
    legal_basis: ActBasis = classified("The act or order, and its paragraph.", C.INTERNAL)


class DeadlinesTakenOver(Contract):
    """The receiving municipality accepted a handover: its legal clock takes the open deadlines.

    Published on the receiving municipality's bus by its hub, for the receiver's case (the
    envelope's case is ``HandoverAccepted.new_case_id``); its deadline engine sets each one
    again, same due and escalation times, with the receiver's case as owner. The sending
    municipality's engine withdraws its own (``DeadlineWithdrawnV2``, ``handed_over``) when
    the acceptance reaches it (``HandoverAnswered``).
    """

    event_type: ClassVar[str] = "dk.casehub.handover.deadlines-taken-over"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "handover"

    handover_id: RecordId = classified("The handover.", C.INTERNAL)
    from_municipality: Kommunekode = classified("The municipality handing over.", C.INTERNAL)
    accepted_at: Timestamp = classified("When the receiver accepted the case.", C.INTERNAL)
    deadlines: tuple[TakenDeadline, ...] = classified(
        "The package's open deadlines.", C.INTERNAL, max_length=1_000
    )
