"""What ``casehub keys`` does: rotate a municipality's KEK, shred subjects' data keys.

Shredding a subject (a child by CPR number, or a case) is, in this order:

1. its ``AuditRecorded`` v3 (``key-shred``, the subject by pseudonym only) on the
   municipality's audit topic, acknowledged first: no shred without its audit record;
2. its data keys' rows tombstoned in the key table and their ids kept as shredded, so a
   record under them is quarantined ``key_shredded`` (not retried as ``key_unavailable``);
3. the KEK retired: a new version is made, every other subject's data key rewrapped under
   it, and every older version destroyed. The tombstoned rows stay in the compacted topic
   until the log cleaner runs, and copies in backups or mirrors longer; wrapped under a
   destroyed KEK, none of them can be unwrapped again, by the hub or by anyone who reads
   the topic. The pause between 3's steps (``settle_s``) lets running hubs see the new
   version before the old one goes (see ``KeyDirectory``'s rescan), and the table is
   swept again after it for keys they made meanwhile.

A shred run again (after a failure half-way) finishes what the first began.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from contracts.envelope import new_event
from contracts.guards import has_cpr_shape
from contracts.operations import AuditActionV3, AuditRecordedV3
from hub.runtime.audit import operator_principal
from hub.runtime.crypto import KEY_TABLE, DataKeys, KeyDirectory
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.publisher import EventPublisher
from hub.runtime.state import GlobalTable

__all__ = ["KeyPlace", "Rotated", "ShredRefusedError", "Shredded", "rotate", "shred"]

_REASON_MAX = 2_000
_RECORD_BYTES = 1_048_588


class ShredRefusedError(ValueError):
    """The shred was not begun: no reason, a CPR number in it, or a bad operator name."""


@dataclass(frozen=True)
class Rotated:
    """What a rotation did."""

    version: int
    rewrapped: int
    lost: int


@dataclass(frozen=True)
class Shredded:
    """What a shred did."""

    subjects: int
    data_keys: int
    version: int
    rewrapped: int
    destroyed: tuple[int, ...]


@dataclass(frozen=True)
class KeyPlace:
    """Where the keys are: the key directory and the hub's key table."""

    kafka: KafkaConnection
    key_dir: Path
    group_prefix: str = "casehub"
    replication: int = 1


def _table(place: KeyPlace, municipality: str) -> GlobalTable:
    return GlobalTable(
        place.kafka,
        f"{place.group_prefix}.{KEY_TABLE}",
        (municipality,),
        replication=place.replication,
        max_record_bytes=_RECORD_BYTES,
        client_id="casehub-keys",
    )


async def rotate(place: KeyPlace, municipality: str, *, rewrap: bool) -> Rotated:
    """Make a new KEK version (new data keys are wrapped under it); optionally rewrap the old.

    Without ``rewrap`` the old versions stay and unwrap the data keys they wrapped, so every
    record stays readable; with it, every data key is wrapped under the new version too.
    """
    provider = KeyDirectory(place.key_dir)
    kek = provider.rotate(municipality)
    if not rewrap:
        return Rotated(kek.version, 0, 0)
    table = _table(place, municipality)
    await table.start()
    try:
        rewrapped, lost = await DataKeys(table, provider).rewrap(municipality)
    finally:
        await table.close()
    return Rotated(kek.version, rewrapped, lost)


async def shred(  # noqa: PLR0913 - where, whose, who and why
    place: KeyPlace,
    municipality: str,
    subjects: Sequence[str],
    *,
    reason: str,
    operator: str,
    settle_s: float = 20.0,
) -> Shredded:
    """Destroy the data keys of ``subjects`` (``child_subject``/``case_subject`` names).

    Raises:
        ShredRefusedError: before anything is done (see the class).
        TransientError: the broker did not take a change; run it again.

    """
    principal = _principal(operator, reason)
    provider = KeyDirectory(place.key_dir, rescan_s=0.0)
    table = _table(place, municipality)
    await table.start()
    try:
        keys = DataKeys(table, provider)
        pseudonyms = [keys.subject(municipality, name) for name in subjects]
        await _audit(place.kafka, municipality, pseudonyms, principal=principal, reason=reason)
        count = 0
        for pseudonym in pseudonyms:
            count += await keys.shred(municipality, pseudonym)
        kek = provider.rotate(municipality)
        await asyncio.sleep(settle_s)  # running hubs rescan; the tail reads their new keys
        rewrapped, _lost = await keys.rewrap(municipality)
        old = tuple(v for v in provider.versions(municipality) if v < kek.version)
        for version in old:
            provider.destroy(municipality, version)
    finally:
        await table.close()
    return Shredded(len(pseudonyms), count, kek.version, rewrapped, old)


def _principal(operator: str, reason: str) -> str:
    if not reason.strip():
        msg = "a shred needs a reason (--why): it goes into the audit record"
        raise ShredRefusedError(msg)
    if has_cpr_shape(reason):
        msg = "the reason must not hold a CPR number: refer to the case or the request"
        raise ShredRefusedError(msg)
    if len(reason) > _REASON_MAX:
        msg = f"the reason is longer than {_REASON_MAX} characters"
        raise ShredRefusedError(msg)
    try:
        return operator_principal(operator)
    except ValueError as exc:
        raise ShredRefusedError(str(exc)) from None


async def _audit(
    kafka: KafkaConnection,
    municipality: str,
    pseudonyms: Sequence[str],
    *,
    principal: str,
    reason: str,
) -> None:
    """One audit record per subject, each acknowledged before any key is touched."""
    publisher = EventPublisher(
        {**kafka.client_options(), "acks": "all", "enable_idempotence": True}
    )
    await publisher.start()
    try:
        for pseudonym in pseudonyms:
            data = AuditRecordedV3(
                action=AuditActionV3.KEY_SHRED,
                principal=principal,
                subject_ref=f"subject:{pseudonym}",
                reason=reason,
                recorded_at=datetime.now(UTC),
            )
            event = new_event(
                data,
                source="urn:casehub:keys-shred",
                municipality=municipality,
                case_id=f"subject.{pseudonym}",
            )
            await publisher.publish(event)
    finally:
        await publisher.stop()
