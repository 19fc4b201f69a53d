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
   version before the old one goes: it must cover the hubs' ``rescan_s`` plus the time the
   key directory takes to reach them (a Kubernetes Secret mount: a minute or two), and a
   shorter one is refused. The table is swept again after it for keys they made meanwhile.

Refused before anything is done: a key topic that does not exist, or one that holds no data
key (a wrong group prefix would show an empty table: nothing rewrapped, every key lost);
``rotate --rewrap`` and ``decrypt`` refuse a missing key topic too, rather than make it.
Refused before any KEK is destroyed: a table, read again from the topic, in which a data
key is still wrapped under a version about to go (a hub made one after the sweep); run the
shred again.

A shred run again (after a failure half-way) finishes what the first began.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from contracts.base import Contract
from contracts.envelope import Event, new_event
from contracts.operations import AuditAction, AuditActionV3, AuditRecordedV3
from hub.cli.records import record_at
from hub.runtime.audit import audit_event, audited_principal
from hub.runtime.crypto import KEY_TABLE, DataKeys, FieldCrypto, KeyDirectory
from hub.runtime.errors import TransientError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.publisher import EventPublisher
from hub.runtime.state import GlobalTable
from routing.topics import PREFIX, global_topic

__all__ = [
    "HUB_RESCAN_S",
    "MOUNT_REFRESH_S",
    "SETTLE_S",
    "KeyPlace",
    "Rotated",
    "ShredRefusedError",
    "Shredded",
    "decrypt",
    "rotate",
    "shred",
]

_RECORD_BYTES = 1_048_588
_READ_TIMEOUT_S = 10.0
_TOPIC_PARTS = 3
SETTLE_S = 140.0
"""The default pause: the hubs' default ``rescan_s`` (10 s) and a Secret mount's refresh."""
HUB_RESCAN_S = 10.0
MOUNT_REFRESH_S = 120.0


class ShredRefusedError(ValueError):
    """Nothing was done: no reason, a CPR number in it, a bad operator name, no such record."""


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
    if rewrap:
        await _require_key_topic(place, municipality)  # not made empty under a wrong prefix
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
    settle_s: float = SETTLE_S,
    rescan_s: float = HUB_RESCAN_S,
    mount_refresh_s: float = MOUNT_REFRESH_S,
) -> Shredded:
    """Destroy the data keys of ``subjects`` (``child_subject``/``case_subject`` names).

    ``rescan_s`` is the running hubs' (``CASEHUB_ENCRYPTION``), ``mount_refresh_s`` how long
    the key directory takes to reach them; ``settle_s`` must cover both.

    Raises:
        ShredRefusedError: before anything is done (see the class), or before any KEK is
            destroyed (a data key still wrapped under an old version: run it again).
        TransientError: the broker did not take a change; run it again.

    """
    principal = _principal(operator, reason)
    if settle_s < rescan_s + mount_refresh_s:
        msg = (
            f"--settle-s {settle_s:g} is shorter than the hubs' rescan_s ({rescan_s:g}) plus "
            f"the key directory's refresh ({mount_refresh_s:g}): a hub could still wrap new "
            "data keys under a KEK about to be destroyed"
        )
        raise ShredRefusedError(msg)
    await _require_key_topic(place, municipality)
    provider = KeyDirectory(place.key_dir, rescan_s=0.0)
    table = _table(place, municipality)
    await table.start()
    try:
        if not any(k.startswith(("dek/", "shredded/")) for k, _ in table.items(municipality)):
            msg = (
                f"the key table {table.topic(municipality)} holds no data key: is "
                "--group-prefix the hubs' (CASEHUB_GROUP_PREFIX)? Nothing was done"
            )
            raise ShredRefusedError(msg)
        keys = DataKeys(table, provider)
        pseudonyms = [keys.subject(municipality, name) for name in subjects]
        await _audit(place.kafka, municipality, pseudonyms, principal=principal, reason=reason)
        count = 0
        for pseudonym in pseudonyms:
            count += await keys.shred(municipality, pseudonym)
        kek = provider.rotate(municipality)
        await asyncio.sleep(settle_s)  # running hubs rescan; the tail reads their new keys
        rewrapped, _lost = await keys.rewrap(municipality)
    finally:
        await table.close()
    old = tuple(v for v in provider.versions(municipality) if v < kek.version)
    await _require_rewrapped(place, municipality, old)
    for version in old:
        provider.destroy(municipality, version)
    return Shredded(len(pseudonyms), count, kek.version, rewrapped, old)


async def _require_key_topic(place: KeyPlace, municipality: str) -> None:
    """Refuse a key table whose topic does not exist (opening it would create it empty)."""
    wanted = global_topic(f"{place.group_prefix}.{KEY_TABLE}", municipality)
    admin = AIOKafkaAdminClient(**place.kafka.client_options(), client_id="casehub-keys")
    try:
        await admin.start()
        try:
            existing = set(await admin.list_topics())
        finally:
            await admin.close()
    except KafkaError as exc:
        msg = f"keys: cannot list the topics ({type(exc).__name__})"
        raise TransientError(msg) from None
    if wanted not in existing:
        msg = (
            f"no key topic {wanted}: is --group-prefix the hubs' (CASEHUB_GROUP_PREFIX)? "
            "Nothing was done"
        )
        raise ShredRefusedError(msg)


async def _require_rewrapped(place: KeyPlace, municipality: str, old: Sequence[int]) -> None:
    """Refuse to destroy ``old`` while a data key, read again from the topic, names one."""
    table = _table(place, municipality)
    await table.start()
    try:
        behind = sum(
            1
            for key, raw in table.items(municipality)
            if key.startswith("dek/") and DataKeys.kek_version(raw) in old
        )
    finally:
        await table.close()
    if behind:
        msg = (
            f"{behind} data key(s) are still wrapped under a KEK version about to be destroyed "
            "(made by a hub after the sweep); no version was destroyed: run the shred again"
        )
        raise ShredRefusedError(msg)


async def decrypt(
    place: KeyPlace,
    municipality: str,
    ref: str,
    *,
    reason: str,
    operator: str,
) -> bytes:
    """The value of the record at ``ref`` (``topic:partition:offset``) with its fields opened.

    An operator's decryption for a person: its ``AuditRecorded`` (``decryption``, the record
    by reference) is acknowledged on the audit topic before anything is opened.

    Raises:
        ShredRefusedError: no reason, a bad operator, a malformed ``ref``, a record of another
            municipality than ``municipality`` (the audit's), or no such record.
        KeyShreddedError: the record's data key was destroyed.
        KeyUnavailableError: its data key or KEK is not there.

    """
    principal = _principal(operator, reason)
    owner = _owner(ref)
    if owner != municipality:
        # The audit names the municipality whose record is read: never another's.
        msg = f"the record {ref} is of municipality {owner}, not of --municipality {municipality}"
        raise ShredRefusedError(msg)
    await _require_key_topic(place, municipality)
    record = await _read_one(place.kafka, ref)
    table = _table(place, municipality)
    await table.start()
    try:
        crypto = FieldCrypto(DataKeys(table, KeyDirectory(place.key_dir, rescan_s=0.0)))
        headers = list(record.headers or ())
        event_id = next((v.decode() for n, v in headers if n == "ce_id" and v), "")
        case = (record.key or b"").decode(errors="replace")
        audit = audit_event(
            AuditAction.DECRYPTION,
            principal=principal,
            municipality=municipality,
            case_id=case,
            subject_ref=f"event:{event_id}" if event_id else f"record:{ref}",
            reason=reason,
            trigger=f"{ref}|{principal}|{reason}",
            source="urn:casehub:keys-decrypt",
        )
        await _publish(place.kafka, [audit])
        _, value = crypto.open(headers, record.value)
    finally:
        await table.close()
    return value or b""


def _owner(ref: str) -> str:
    """The municipality of the topic ``ref`` names (``casehub.<kode>.…``, quarantines too)."""
    parts = ref.split(".")
    if len(parts) < _TOPIC_PARTS or parts[0] != PREFIX or not re.fullmatch(r"[0-9]{3}", parts[1]):
        msg = "a record is named topic:partition:offset, on a municipality's casehub topic"
        raise ShredRefusedError(msg)
    return parts[1]


async def _read_one(kafka: KafkaConnection, ref: str) -> ConsumerRecord[bytes, bytes]:
    try:
        name, partition, offset = ref.rsplit(":", 2)
        wanted, at = TopicPartition(name, int(partition)), int(offset)
    except ValueError:
        msg = "a record is named topic:partition:offset"
        raise ShredRefusedError(msg) from None
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        record = await record_at(consumer, wanted, at, timeout_s=_READ_TIMEOUT_S)
    finally:
        await consumer.stop()
    if record is None:
        msg = f"no record {ref} (never written, or removed by retention or compaction)"
        raise ShredRefusedError(msg)
    return record


def _principal(operator: str, reason: str) -> str:
    try:
        return audited_principal(operator, reason, act="a shred")
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
    events: list[Event[Contract]] = []
    for pseudonym in pseudonyms:
        data = AuditRecordedV3(
            action=AuditActionV3.KEY_SHRED,
            principal=principal,
            subject_ref=f"subject:{pseudonym}",
            reason=reason,
            recorded_at=datetime.now(UTC),
        )
        events.append(
            new_event(
                data,
                source="urn:casehub:keys-shred",
                municipality=municipality,
                case_id=f"subject.{pseudonym}",
            )
        )
    await _publish(kafka, events)


async def _publish(kafka: KafkaConnection, events: Sequence[Event[Contract]]) -> None:
    """Publish each event and wait for the broker's acknowledgement of each."""
    options = {**kafka.client_options(), "acks": "all", "enable_idempotence": True}
    publisher = EventPublisher(options)
    await publisher.start()
    try:
        for event in events:
            await publisher.publish(event)
    finally:
        await publisher.stop()
