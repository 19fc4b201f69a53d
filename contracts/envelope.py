"""The canonical envelope: CloudEvents 1.0 attributes around a contract's data.

On Kafka the envelope uses the CloudEvents Kafka protocol binding in binary mode: each
attribute is a ``ce_<name>`` header, the data is the JSON record value and the record
key is the case id, so one case's events keep their order (``contracts.binding``).

Extension attributes (lower-case, as CloudEvents requires):

=================  =========================================================
``municipality``   the kommunekode of the municipality that owns the case
``caseid``         the hub's case id; also the Kafka key
``correlationid``  the id shared by every event of one business flow
``causationid``    the id of the event that caused this one (absent for a first event)
``classification`` the most sensitive data classification among the data's fields
``contractversion`` the version of the data's contract (``type`` names the contract)
=================  =========================================================
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from contracts.base import Contract, Record
from contracts.classification import Classification
from contracts.guards import Timestamp, check_id
from contracts.types import CaseId, Kommunekode

__all__ = ["Envelope", "Event", "follow_up", "follow_up_id", "new_event"]

# Covariant: an Event[NotificationReceived] is an Event[Contract] (events are frozen).
DataT_co = TypeVar("DataT_co", bound=Contract, covariant=True)
D = TypeVar("D", bound=Contract)

Token = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[\x21-\x7e]+$")]
"""A printable ASCII token without spaces: ids and URI references."""

_FOLLOW_UP_NAMESPACE = uuid.UUID("6f1d4a52-55a8-4c4e-9a47-1d2b8c0e7a31")
_FOLLOW_UP_NAMESPACE_BYTES = _FOLLOW_UP_NAMESPACE.bytes


class Envelope(Record):
    """The CloudEvents context attributes of one event."""

    id: Token = Field(description="Unique per source; a redelivered event keeps its id.")
    source: Token = Field(description="URI reference of the producer, e.g. urn:casehub:intake.")
    type: Token = Field(description="The contract's type, e.g. dk.casehub.notification.received.")
    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents version.")
    time: Timestamp = Field(description="When the occurrence happened (RFC 3339).")
    subject: Token | None = Field(
        default=None, description="What the event is about, within the source; never personal."
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="The data is a JSON object."
    )
    municipality: Kommunekode = Field(description="Kommunekode of the case's municipality.")
    caseid: CaseId = Field(description="The hub's case id; the Kafka record key.")
    correlationid: Token = Field(description="Shared by every event of one business flow.")
    causationid: Token | None = Field(
        default=None, description="The id of the event that caused this one."
    )
    classification: Classification = Field(
        description="The most sensitive data classification among the data's fields."
    )
    contractversion: int = Field(ge=1, description="Version of the data's contract.")

    @field_validator("subject", mode="after")
    @classmethod
    def _subject_is_no_cpr_number(cls, value: str | None) -> str | None:
        """The subject names what the event is about, never whom: no CPR number."""
        check_id(value)
        return value


class Event(BaseModel, Generic[DataT_co]):
    """One canonical event: its envelope and its validated data."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    envelope: Envelope
    data: DataT_co


def new_event(  # noqa: PLR0913 - every argument is a distinct CloudEvents attribute
    data: D,
    *,
    source: str,
    municipality: str,
    case_id: str,
    event_id: str | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    subject: str | None = None,
    time: datetime | None = None,
) -> Event[D]:
    """Wrap ``data`` in an envelope; type, version and classification come from its contract."""
    event_id = event_id or str(uuid.uuid4())
    envelope = Envelope(
        id=event_id,
        source=source,
        type=data.event_type,
        time=time or datetime.now(UTC),
        subject=subject,
        municipality=municipality,
        caseid=case_id,
        correlationid=correlation_id or event_id,
        causationid=causation_id,
        classification=data.classification(),
        contractversion=data.event_version,
    )
    return Event(envelope=envelope, data=data)


def follow_up(
    cause: Event[Contract], data: D, *, source: str, subject: str | None = None
) -> Event[D]:
    """An event caused by ``cause``: same case and flow, and an id derived from the cause's.

    The id is deterministic, so handling a redelivered cause again produces the same
    follow-up id and consumers can recognise the duplicate.
    """
    return new_event(
        data,
        source=source,
        municipality=cause.envelope.municipality,
        case_id=cause.envelope.caseid,
        event_id=follow_up_id(cause.envelope.id, data.event_type),
        correlation_id=cause.envelope.correlationid,
        causation_id=cause.envelope.id,
        subject=subject,
    )


def follow_up_id(cause_id: str, event_type: str) -> str:
    """The id of the ``event_type`` event that the event ``cause_id`` causes (UUID v5).

    Equal to ``str(uuid.uuid5(namespace, f"{cause_id}/{event_type}"))``, built from the
    SHA-1 digest directly: ``uuid.UUID``'s constructor and ``__str__`` cost twice the hash
    on the hub's hot path (one follow-up per record).
    """
    digest = bytearray(
        hashlib.sha1(  # noqa: S324 - UUID v5 is defined on SHA-1; not for security
            _FOLLOW_UP_NAMESPACE_BYTES + f"{cause_id}/{event_type}".encode()
        ).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
