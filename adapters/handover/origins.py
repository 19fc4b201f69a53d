"""Where the receiving side keeps who sent each handover: its origin, by sender and id.

Two records per received handover in the reception's global store (``Receipts``, read
whole by every instance):

- ``claim:<handover id>`` → the sending municipality. A handover id is the receiver's
  handle on it (the case system's ``HandoverAccepted`` names the id alone), so a second
  sender choosing an id another sender has is refused (``handover_id_taken``), never
  written over;
- ``origin:<sender>:<handover id>`` → the sender's case id, when the package was received
  and the package's open deadlines (ids, rules and times: no person), which the receiver's
  clock takes on acceptance.

Both are durable before ``HandoverReceived`` is published, so a case system answering at
once finds them. An answer whose origin this instance has not read yet is retried
(``OriginNotReadError``), never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from adapters.handover.manifest import HandoverManifest, OpenDeadline
from adapters.handover.refusal import PackageRefusedError, Refusal
from contracts.documents import DocumentReference
from hub.runtime.errors import TransientError

if TYPE_CHECKING:
    from adapters.handover.reception import Receipts

__all__ = ["Origin", "OriginNotReadError", "claim_key", "keep_origin", "origin_key", "origin_of"]


class OriginNotReadError(TransientError):
    """No origin read (yet) for a handover the case system answers: retried, then parked."""


class Origin(BaseModel):
    """Who sent a handover, for which of its cases, when it came and its open deadlines."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    from_municipality: str
    case_id: str
    received_at: dt.datetime
    deadlines: tuple[OpenDeadline, ...] = ()
    documents: tuple[DocumentReference, ...] = ()
    """The package's documents as this hub stored them (its own references)."""


def claim_key(handover_id: str) -> str:
    """The key naming the sender of a handover id at this receiver."""
    return f"claim:{handover_id}"


def origin_key(from_municipality: str, handover_id: str) -> str:
    """The key of a received handover's origin: by sender and id."""
    return f"origin:{from_municipality}:{handover_id}"


async def keep_origin(
    receipts: Receipts,
    manifest: HandoverManifest,
    now: dt.datetime,
    store: Callable[[], Awaitable[tuple[DocumentReference, ...]]] | None = None,
) -> Origin:
    """The handover's origin, kept durably (the first one, when an attempt kept it before).

    ``store`` stores the package's documents and names them; it runs only when no attempt
    kept the origin before, so a retry names the documents the first attempt stored.

    Raises:
        PackageRefusedError: another sender's handover has this id (``handover_id_taken``).
        TransientError: the store did not take it.

    """
    receiver, sender = manifest.to_municipality, manifest.from_municipality
    claimed = receipts.get(receiver, claim_key(manifest.handover_id))
    if claimed is not None and claimed.decode() != sender:
        raise PackageRefusedError(Refusal.HANDOVER_ID_TAKEN, "another sender's handover id")
    kept = _read(receipts.get(receiver, origin_key(sender, manifest.handover_id)))
    if kept is not None:
        return kept  # an attempt that stored it and then failed: the same time again
    origin = Origin(
        from_municipality=sender,
        case_id=manifest.case_id,
        received_at=now,
        deadlines=manifest.deadlines,
        documents=() if store is None else await store(),
    )
    receipts.put(receiver, claim_key(manifest.handover_id), sender.encode())
    receipts.put(
        receiver, origin_key(sender, manifest.handover_id), origin.model_dump_json().encode()
    )
    await receipts.flush()
    return origin


def origin_of(receipts: Receipts, municipality: str, handover_id: str) -> Origin:
    """The origin of a handover ``municipality`` received.

    Raises:
        OriginNotReadError: none read here yet (another instance's write not read back, or
            not a handover this hub received); the delivery policy retries, then parks it.

    """
    claimed = receipts.get(municipality, claim_key(handover_id))
    origin = None if claimed is None else receipts.get(
        municipality, origin_key(claimed.decode(), handover_id)
    )  # fmt: skip
    found = _read(origin)
    if found is None:
        msg = "handover answer: no origin of that handover read yet"
        raise OriginNotReadError(msg)
    return found


def _read(value: bytes | None) -> Origin | None:
    if value is None:
        return None
    try:
        return Origin.model_validate_json(value)
    except ValidationError:
        return None  # not one this version wrote: as if absent (retried, then parked)
