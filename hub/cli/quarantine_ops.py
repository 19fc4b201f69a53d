"""Operating the quarantine: list, show and replay quarantined records.

Replay puts a record back on its original topic with its original key and exact headers,
plus ``quarantine_replay_of`` naming the original's ``topic:partition:offset``. The hub's
delivery recognises it: the replay takes the place of its original at the head of its
case's line, is handled, and the case's later records follow in order. Replaying a record
twice is harmless: the event id has been processed, so the second copy is passed over.

This is an operator's tool, not part of the hub's runtime, so it talks to Kafka with
aiokafka directly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.binding import to_kafka
from contracts.envelope import Event, new_event
from contracts.operations import MessageReplayed
from hub.runtime.delivery.policy import REPLAY_HEADER
from hub.runtime.quarantine import original_headers
from routing.topics import PREFIX, QUARANTINE_SUFFIX, topic

__all__ = ["Entry", "Filters", "read_entries", "replay"]

_CASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_AUDIT = uuid.UUID("a3f1c9d2-5b7e-4c08-9e61-2d4f8b0a7c35")


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
        """When it was quarantined."""
        text = self.headers.get("quarantine_time")
        return datetime.fromisoformat(text) if text else None


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


async def read_entries(bootstrap: str, filters: Filters) -> list[Entry]:
    """Every quarantined record that passes ``filters``, oldest first per topic."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        # consumer.topics() fetches the cluster's metadata but keeps it to itself; the
        # partitions of topics this consumer never used are only in that answer.
        cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001
        names = sorted(
            t
            for t in cluster.topics()
            if t.startswith(PREFIX + ".") and t.endswith(QUARANTINE_SUFFIX)
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
    return [e for e in entries if filters(e)]


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
    bootstrap: str,
    entries: Iterable[Entry],
    *,
    reason: str = "replayed after the cause was fixed",
    operator: str = "operator",
    on_replayed: Callable[[Entry], None] = lambda _entry: None,
) -> int:
    """Put each entry back on its source topic, key and exact headers kept; return the count.

    Each replay is followed by a ``MessageReplayed`` audit event on the municipality's
    operations topic (addresses and reasons only, never the payload).
    """
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    count = 0
    try:
        for entry in entries:
            headers = [
                (name, value)
                for name, value in original_headers(entry.headers)
                if name != REPLAY_HEADER
            ]
            headers.append((REPLAY_HEADER, entry.source_ref.encode()))
            await producer.send_and_wait(
                entry.source_topic, entry.value, key=entry.key, headers=headers
            )
            audit = to_kafka(_replayed(entry, reason=reason, operator=operator))
            await producer.send_and_wait(
                topic("operations", entry.municipality),
                audit.value,
                key=audit.key,
                headers=list(audit.headers),
            )
            count += 1
            on_replayed(entry)
    finally:
        await producer.stop()
    return count


def _replayed(entry: Entry, *, reason: str, operator: str) -> Event[MessageReplayed]:
    data = MessageReplayed(
        topic=entry.source_topic,
        partition=entry.partition,
        offset=entry.offset,
        reason=reason,
        replayed_by=operator,
        replayed_at=datetime.now(UTC),
    )
    case = entry.case if _CASE.fullmatch(entry.case) else "unkeyed"
    return new_event(
        data,
        source="urn:casehub:quarantine-replay",
        municipality=entry.municipality,
        case_id=case,
        event_id=str(uuid.uuid5(_AUDIT, f"{entry.ref}/{datetime.now(UTC).isoformat()}")),
    )
