"""Operations: facts about the hub's own handling of records, never their payload.

A quarantined record's payload stays in the quarantine topic, which shares its source's
access control; these events only point at it, so operators can see them without seeing
personal data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import field_validator

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp, check_id
from contracts.types import RecordId

__all__ = [
    "AuditAction",
    "AuditActionV2",
    "AuditRecorded",
    "AuditRecordedV2",
    "MessageQuarantined",
    "MessageReplayed",
]

_TOPIC = r"^[A-Za-z0-9._-]{1,249}$"


class MessageQuarantined(Contract):
    """A record failed its contract or its handler for good and was moved to quarantine."""

    event_type: ClassVar[str] = "dk.casehub.operations.message-quarantined"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "operations"

    topic: str = classified("The source topic.", C.INTERNAL, pattern=_TOPIC)
    partition: int = classified("The source partition.", C.INTERNAL, ge=0)
    offset: int = classified("The source offset.", C.INTERNAL, ge=0)
    reason: str = classified(
        "Why, by error code and field location; never a value.",
        C.INTERNAL,
        min_length=1,
        max_length=2_000,
    )
    quarantined_by: RecordId = classified("The hub component that quarantined it.", C.INTERNAL)
    quarantined_at: Timestamp = classified("When.", C.INTERNAL)


class MessageReplayed(Contract):
    """An operator replayed a quarantined record onto its source topic."""

    event_type: ClassVar[str] = "dk.casehub.operations.message-replayed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "operations"

    topic: str = classified("The source topic replayed to.", C.INTERNAL, pattern=_TOPIC)
    partition: int = classified("The quarantine partition it came from.", C.INTERNAL, ge=0)
    offset: int = classified("The quarantine offset it came from.", C.INTERNAL, ge=0)
    reason: str = classified(
        "Why it was replayed (the fix made).", C.INTERNAL, min_length=1, max_length=2_000
    )
    replayed_by: RecordId = classified("The operator's id.", C.INTERNAL)
    replayed_at: Timestamp = classified("When.", C.INTERNAL)


class AuditAction(StrEnum):
    """What was done for a person that the audit must show."""

    CPR_LOOKUP = "cpr-lookup"
    """The hub asked the CPR register about a person."""
    QUARANTINE_REPLAY = "quarantine-replay"
    """An operator sent a quarantined record (personal data) back to its topic."""
    DECRYPTION = "decryption"
    """A person's encrypted fields were decrypted."""


class AuditRecorded(Contract):
    """Someone did something for a person: who, what, why and when; never the payload.

    The person is named only by reference (``subject_ref``: the triggering event's id, a
    quarantine address, a case id), never by CPR number, name or address; the municipality
    is the envelope's. One audit topic per municipality keeps these, append-only.
    """

    event_type: ClassVar[str] = "dk.casehub.operations.audit-recorded"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "audit"

    action: AuditAction = classified("What was done.", C.INTERNAL)
    principal: RecordId = classified(
        "Who: the hub component and instance (``cpr@casehub-1``), or the operator.", C.INTERNAL
    )
    subject_ref: str = classified(
        "Whom it was for, by reference only: an event id, a quarantine address, a case id.",
        C.INTERNAL,
        pattern=r"^[\x21-\x7e]{1,300}$",
    )
    reason: str = classified(
        "Why: the triggering event (``event:<id>``) or the operator's reason; never personal.",
        C.INTERNAL,
        min_length=1,
        max_length=2_000,
    )
    recorded_at: Timestamp = classified("When.", C.INTERNAL)

    @field_validator("subject_ref", "reason", mode="after")
    @classmethod
    def _no_cpr_number(cls, value: str) -> str:
        """An audit record refers to a person; it never holds a CPR number."""
        check_id(value)
        return value


class AuditActionV2(StrEnum):
    """``AuditAction`` and the actions added since: version 2 of the audit record."""

    CPR_LOOKUP = "cpr-lookup"
    QUARANTINE_REPLAY = "quarantine-replay"
    DECRYPTION = "decryption"
    OUTCOMES_EXTRACT = "outcomes-extract"
    """An outcome extract (pseudonymised, for one recipient) was built from the cases."""


class AuditRecordedV2(AuditRecorded):
    """Version 2 of the audit record: one more action (an outcome extract), nothing else.

    A published version never changes, so the new action needs a new version; a v2 reader
    reads every v1 record (BACKWARD_TRANSITIVE). It subclasses v1 so every reader of audit
    records (``casehub audit show``) reads both.
    """

    event_version: ClassVar[int] = 2

    action: AuditActionV2 = classified("What was done.", C.INTERNAL)  # type: ignore[assignment]


class AuditActionV3(StrEnum):
    """``AuditActionV2`` and the actions added since: version 3 of the audit record."""

    CPR_LOOKUP = "cpr-lookup"
    QUARANTINE_REPLAY = "quarantine-replay"
    DECRYPTION = "decryption"
    OUTCOMES_EXTRACT = "outcomes-extract"
    KEY_SHRED = "key-shred"
    """A person's (or a case's) data keys were destroyed: their encrypted fields are gone."""


class AuditRecordedV3(AuditRecordedV2):
    """Version 3 of the audit record: one more action (a key shredded), nothing else."""

    event_version: ClassVar[int] = 3

    action: AuditActionV3 = classified("What was done.", C.INTERNAL)  # type: ignore[assignment]
