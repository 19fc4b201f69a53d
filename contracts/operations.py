"""Operations: facts about the hub's own handling of records, never their payload.

A quarantined record's payload stays in the quarantine topic, which shares its source's
access control; these events only point at it, so operators can see them without seeing
personal data.
"""

from __future__ import annotations

from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.types import RecordId

__all__ = ["MessageQuarantined", "MessageReplayed"]

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
