"""Operating the quarantine: list, show and replay quarantined records.

Replay is audited: before each record goes back, an ``AuditRecorded`` naming the operator,
the reason given and the record (by its event id, never its content) is on the
municipality's audit topic (``hub.runtime.audit``); without a reason nothing is replayed.

Replay puts a record back on its original topic with its original key and exact headers,
plus ``quarantine_replay_of`` naming the original's ``topic:partition:offset``. The hub's
delivery recognises it: the replay takes the place of its original at the head of its
case's line, is handled, and the case's later records follow in order. Replaying a record
twice is harmless: the event id has been processed, so the second copy is passed over.

A bounded copy (``quarantine_truncated``: the record was too large for a whole copy) holds
no value, so its replay re-reads the original at its source ``topic:partition:offset`` and
puts that back, key and exact headers included. It is refused, with ``ReplayRefusedError``,
when the original is no longer there (the source topic's retention removed it) or the
record found there is not the one quarantined (its key or kept headers differ).

This is an operator's tool, not part of the hub's runtime, so it talks to Kafka with
aiokafka directly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError

from contracts.binding import to_kafka
from contracts.envelope import Event, new_event
from contracts.guards import has_cpr_shape
from contracts.operations import AuditAction, AuditRecorded, MessageReplayed
from hub.cli.records import record_at
from hub.runtime.audit import audit_event, audited_principal
from hub.runtime.delivery.policy import REPLAY_HEADER
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.quarantine import QUARANTINE_HEADERS, original_headers
from routing.topics import AUDIT_DOMAIN, PREFIX, QUARANTINE_SUFFIX, topic

__all__ = ["Entry", "Filters", "ReplayRefusedError", "read_entries", "replay"]

log = structlog.get_logger(__name__)

_CASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_AUDIT = uuid.UUID("a3f1c9d2-5b7e-4c08-9e61-2d4f8b0a7c35")
# The replay producer lets the broker judge the size: the source topic took the original.
_REPLAY_MAX_REQUEST_BYTES = 64 * 1024 * 1024
_READ_TIMEOUT_S = 30.0
_TOKEN = re.compile(r"[\x21-\x7e]{1,256}")


class ReplayRefusedError(Exception):
    """A record cannot be replayed; the message says which and why (never its content)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One quarantined record and why it is there."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]
    raw_headers: tuple[tuple[str, bytes], ...]

    @property
    def ref(self) -> str:
        """The quarantine record's own address."""
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def source_ref(self) -> str:
        """The original record's address, ``topic:partition:offset``."""
        h = self.headers
        return f"{h['quarantine_topic']}:{h['quarantine_partition']}:{h['quarantine_offset']}"

    @property
    def source_topic(self) -> str:
        """The topic the record came from (and goes back to on replay)."""
        return self.headers["quarantine_topic"]

    @property
    def municipality(self) -> str:
        """The kommunekode in the source topic's name."""
        return self.source_topic.split(".")[1]

    @property
    def case(self) -> str:
        """The case id (the record key), or '-' without one."""
        return (self.key or b"-").decode(errors="replace")

    @property
    def truncated(self) -> bool:
        """A bounded copy: the value (maybe headers) left out; replay reads the source."""
        return "quarantine_truncated" in self.headers

    @property
    def reason(self) -> str:
        """Why the record was quarantined."""
        return self.headers.get("quarantine_reason", "")

    @property
    def group(self) -> str:
        """The consumer group (component) that quarantined it."""
        return self.headers.get("quarantine_group", "")

    @property
    def error(self) -> str:
        """The error class that sent it here."""
        return self.headers.get("quarantine_error", "")

    @property
    def time(self) -> datetime | None:
        """When it was quarantined (None without a readable time)."""
        text = self.headers.get("quarantine_time")
        try:
            return datetime.fromisoformat(text) if text else None
        except ValueError:
            return None

    @property
    def written_by_the_hub(self) -> bool:
        """It carries the address the hub writes: its own source topic, a partition, an offset.

        A record anyone else wrote to a quarantine (a principal with Write on it) is passed
        over: it could not be shown, and its replay could name another topic than its source.
        """
        h = self.headers
        return (
            h.get("quarantine_topic") == self.topic.removesuffix(QUARANTINE_SUFFIX)
            and _digits(h.get("quarantine_partition", ""))
            and _digits(h.get("quarantine_offset", ""))
        )


@dataclass(frozen=True, slots=True)
class Filters:
    """Which entries to take; every given filter must hold."""

    topic: str | None = None
    group: str | None = None
    municipality: str | None = None
    case: str | None = None
    reason: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    refs: tuple[str, ...] = ()

    def __call__(self, entry: Entry) -> bool:
        """True when the entry passes every filter."""
        checks = (
            self.topic is None or entry.source_topic == self.topic,
            self.group is None or entry.group == self.group,
            self.municipality is None or entry.municipality == self.municipality,
            self.case is None or entry.case == self.case,
            self.reason is None or self.reason.lower() in entry.reason.lower(),
            self.since is None or (entry.time is not None and entry.time >= self.since),
            self.until is None or (entry.time is not None and entry.time <= self.until),
            not self.refs or entry.ref in self.refs or entry.source_ref in self.refs,
        )
        return all(checks)


async def read_entries(
    kafka: KafkaConnection, filters: Filters, *, municipalities: Collection[str] | None = None
) -> list[Entry]:
    """Every quarantined record that passes ``filters``, oldest first per topic.

    ``municipalities``: read only their quarantines (the dashboard's viewer's); None: all.
    """
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        # consumer.topics() fetches the cluster's metadata but keeps it to itself; the
        # partitions of topics this consumer never used are only in that answer.
        cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001
        names = sorted(
            t
            for t in cluster.topics()
            if t.startswith(PREFIX + ".")
            and t.endswith(QUARANTINE_SUFFIX)
            and (municipalities is None or t.split(".")[1] in municipalities)
        )
        partitions = [
            TopicPartition(t, p)
            for t in names
            for p in sorted(cluster.partitions_for_topic(t) or ())
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        entries: list[Entry] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=500)
            for records in batch.values():
                entries.extend(_entry(r) for r in records)
    finally:
        await consumer.stop()
    sound = [e for e in entries if e.written_by_the_hub]
    if len(sound) < len(entries):
        log.warning("quarantine_records_passed_over", count=len(entries) - len(sound))
    return [e for e in sound if filters(e)]


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _entry(record: object) -> Entry:
    raw = tuple((name, value or b"") for name, value in getattr(record, "headers", ()))
    return Entry(
        topic=getattr(record, "topic", ""),
        partition=getattr(record, "partition", 0),
        offset=getattr(record, "offset", 0),
        key=getattr(record, "key", None),
        value=getattr(record, "value", None),
        headers={name: value.decode(errors="replace") for name, value in raw},
        raw_headers=raw,
    )


async def replay(
    kafka: KafkaConnection,
    entries: Iterable[Entry],
    *,
    reason: str,
    operator: str,
    on_replayed: Callable[[Entry], None] = lambda _entry: None,
) -> int:
    """Put each entry back on its source topic, key and exact headers kept; return the count.

    Each replay is preceded by its ``AuditRecorded`` on the municipality's audit topic
    (acknowledged first: no replay without its audit record) and followed by a
    ``MessageReplayed`` on its operations topic (addresses and reasons only, never the payload).

    Raises:
        ReplayRefusedError: no reason, a reason holding a CPR number, an operator that is
            not a login name (before anything is replayed), or a record that cannot be.

    """
    principal = _audit_principal(operator, reason)
    entries = list(entries)
    producer = AIOKafkaProducer(
        **kafka.client_options(),
        acks="all",
        enable_idempotence=True,
        max_request_size=_REPLAY_MAX_REQUEST_BYTES,
    )
    await producer.start()
    sources: AIOKafkaConsumer | None = None
    count = 0
    try:
        for entry in entries:
            if entry.truncated:
                if sources is None:
                    sources = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
                    await sources.start()
                key, value, originals = await _from_source(sources, entry)
            else:
                key, value, originals = entry.key, entry.value, original_headers(entry.headers)
            audit = to_kafka(_audited(entry, principal=principal, reason=reason))
            await producer.send_and_wait(
                topic(AUDIT_DOMAIN, entry.municipality),
                audit.value,
                key=audit.key,
                headers=list(audit.headers),
            )
            headers = [(name, v) for name, v in originals if name != REPLAY_HEADER]
            headers.append((REPLAY_HEADER, entry.source_ref.encode()))
            try:
                await producer.send_and_wait(entry.source_topic, value, key=key, headers=headers)
            except (MessageSizeTooLargeError, RecordListTooLargeError):
                msg = (
                    f"{entry.source_topic} refused the replay of {entry.source_ref} as too "
                    f"large (after {count} replayed): raise its max.message.bytes"
                )
                raise ReplayRefusedError(msg) from None
            replayed = to_kafka(_replayed(entry, reason=reason, operator=operator))
            await producer.send_and_wait(
                topic("operations", entry.municipality),
                replayed.value,
                key=replayed.key,
                headers=list(replayed.headers),
            )
            count += 1
            on_replayed(entry)
    finally:
        await producer.stop()
        if sources is not None:
            await sources.stop()
    return count


async def _from_source(
    consumer: AIOKafkaConsumer, entry: Entry
) -> tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]:
    """Key, value and exact headers of a bounded copy's original, read at its source."""
    h = entry.headers
    wanted = TopicPartition(h["quarantine_topic"], int(h["quarantine_partition"]))
    offset = int(h["quarantine_offset"])
    gone = (
        f"cannot replay the bounded copy {entry.ref}: its original {entry.source_ref} is no "
        "longer on its topic (retention removed it); the quarantine holds no value to replay"
    )
    record = await record_at(consumer, wanted, offset, timeout_s=_READ_TIMEOUT_S)
    if record is None:
        raise ReplayRefusedError(gone)
    originals = [
        (name, value or b"")
        for name, value in record.headers or ()
        if name not in QUARANTINE_HEADERS
    ]
    kept = original_headers(h)
    if originals[: len(kept)] != kept or (entry.key is not None and record.key != entry.key):
        msg = (
            f"cannot replay the bounded copy {entry.ref}: the record at {entry.source_ref} is "
            "not the one quarantined (its key or headers differ: was the topic recreated?)"
        )
        raise ReplayRefusedError(msg)
    return record.key, record.value, originals


def _audit_principal(operator: str, reason: str) -> str:
    """The operator's principal, once the reason is one an audit record can hold."""
    try:
        return audited_principal(operator, reason, act="a replay")
    except ValueError as exc:
        raise ReplayRefusedError(str(exc)) from None


def _audited(entry: Entry, *, principal: str, reason: str) -> Event[AuditRecorded]:
    """The replay's audit record: who, why, and the record by its event id (or address)."""
    event_id = entry.headers.get("ce_id", "")
    named = _TOKEN.fullmatch(event_id) is not None and not has_cpr_shape(event_id)
    return audit_event(
        AuditAction.QUARANTINE_REPLAY,
        principal=principal,
        municipality=entry.municipality,
        case_id=_case_of(entry),
        subject_ref=f"event:{event_id}" if named else f"record:{entry.source_ref}",
        reason=reason,
        # The same replay (record, operator, reason) twice has one id: a recognisable repeat.
        trigger=f"{entry.ref}|{principal}|{reason}",
        source="urn:casehub:quarantine-replay",
        causation_id=event_id if named else None,
    )


def _case_of(entry: Entry) -> str:
    return (
        entry.case if _CASE.fullmatch(entry.case) and not has_cpr_shape(entry.case) else "unkeyed"
    )


def _replayed(entry: Entry, *, reason: str, operator: str) -> Event[MessageReplayed]:
    data = MessageReplayed(
        topic=entry.source_topic,
        partition=entry.partition,
        offset=entry.offset,
        reason=reason,
        replayed_by=operator,
        replayed_at=datetime.now(UTC),
    )
    return new_event(
        data,
        source="urn:casehub:quarantine-replay",
        municipality=entry.municipality,
        case_id=_case_of(entry),
        event_id=str(uuid.uuid5(_AUDIT, f"{entry.ref}/{datetime.now(UTC).isoformat()}")),
    )
