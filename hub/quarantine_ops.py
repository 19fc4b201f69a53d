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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from hub.delivery.policy import REPLAY_HEADER
from hub.quarantine import original_headers
from routing.topics import PREFIX, QUARANTINE_SUFFIX

__all__ = ["Entry", "Filters", "read_entries", "replay"]


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
    on_replayed: Callable[[Entry], None] = lambda _entry: None,
) -> int:
    """Put each entry back on its source topic, key and exact headers kept; return the count."""
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
            count += 1
            on_replayed(entry)
    finally:
        await producer.stop()
    return count
