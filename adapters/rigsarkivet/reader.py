"""The case history of one municipality and period, read from the hub's topics on the broker.

A case belongs to the version when it was opened within the period (``CaseOpened``). The
``case`` topic is read first, so every later event's case is known; the other domains'
topics follow, each to the end offsets it had when the read began, so a build reads a
fixed history even while the hub goes on writing. Records stream through one at a time;
what is remembered is the set of case ids. A record that is not a valid event is a
``BadItem`` naming its place (topic, partition, offset) and the contract's complaint.

Every record is decoded by one function, ``decode`` (``decode_plain`` unless another is
given). With field encryption on, ``opening(keys)`` opens the sealed fields first; a record
whose data key was shredded, or whose sealed value does not fit, is a ``BadItem`` like any
invalid record; a key not here yet fails the build (transient: it is tried again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final

from aiokafka import AIOKafkaConsumer, TopicPartition

from adapters.rigsarkivet.history import BadItem
from contracts.base import Contract
from contracts.binding import InvalidRecordError, from_kafka
from contracts.case import CaseOpened
from contracts.envelope import Event
from hub.runtime.crypto import DataKeys, FieldCrypto, FieldTamperedError, KeyShreddedError
from hub.runtime.kafka_access import KafkaConnection
from routing.topics import topic

__all__ = ["HISTORY_DOMAINS", "RecordDecoder", "decode_plain", "opening", "read_history"]

HISTORY_DOMAINS: Final = (
    "case",
    "person",
    "investigation",
    "decision",
    "measure",
    "document",
    "letter",
    "deadline",
)
"""The domains whose events are the case history; ``case`` first."""

_POLL_MS: Final = 500

RecordDecoder = Callable[
    [Sequence[tuple[str, bytes | None]], bytes | None], Awaitable[Event[Contract]]
]
"""A record's headers and value to its event; raises ``InvalidRecordError`` naming the problems.

Async so that a decoder which decrypts may fetch keys."""


async def decode_plain(
    headers: Sequence[tuple[str, bytes | None]], value: bytes | None
) -> Event[Contract]:
    """A record whose fields are not encrypted, as every record is today."""
    return from_kafka(headers, value)


def opening(keys: DataKeys) -> RecordDecoder:
    """The decoder of a hub with field encryption on: sealed fields opened, then validated."""
    crypto = FieldCrypto(keys)

    async def decode(
        headers: Sequence[tuple[str, bytes | None]], value: bytes | None
    ) -> Event[Contract]:
        try:
            opened, plain = crypto.open(headers, value)
        except (KeyShreddedError, FieldTamperedError) as exc:
            raise InvalidRecordError([("", str(exc))]) from None
        return from_kafka(opened, plain)

    return decode


async def read_history(  # noqa: PLR0913 - broker, whose, when, and three dials
    kafka: KafkaConnection,
    municipality: str,
    start: dt.date,
    end: dt.date,
    *,
    domains: Sequence[str] = HISTORY_DOMAINS,
    client_id: str = "casehub-archive",
    decode: RecordDecoder = decode_plain,
) -> AsyncIterator[Event[Contract] | BadItem]:
    """Every event of the cases opened from ``start`` to ``end`` (inclusive), domain by domain."""
    consumer = AIOKafkaConsumer(
        **kafka.client_options(), enable_auto_commit=False, client_id=client_id
    )
    await consumer.start()
    cases: set[str] = set()
    try:
        for domain in domains:
            async for record in _records(consumer, topic(domain, municipality)):
                place = f"record {record.topic}/{record.partition}@{record.offset}"
                try:
                    event = await decode(record.headers, record.value)
                except InvalidRecordError as exc:
                    yield BadItem(place, f"not a valid event: {exc}")
                    continue
                if event.envelope.municipality != municipality:
                    yield BadItem(place, "event of another municipality on this one's topic")
                    continue
                case_id = event.envelope.caseid
                if isinstance(event.data, CaseOpened):
                    if not start <= event.data.opened_at.date() <= end:
                        continue
                    cases.add(case_id)
                if case_id in cases:
                    yield event
    finally:
        await consumer.stop()


async def _records(consumer: AIOKafkaConsumer, name: str) -> AsyncIterator[Any]:
    # A topic this consumer never used is only in a fresh metadata answer.
    cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001 - as hub/cli/audit.py
    partitions = [TopicPartition(name, p) for p in sorted(cluster.partitions_for_topic(name) or ())]
    if not partitions:
        return
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    open_partitions = [tp for tp in partitions if ends[tp] > 0]
    while open_partitions:
        batch = await consumer.getmany(*open_partitions, timeout_ms=_POLL_MS)
        for partition, records in batch.items():
            for record in records:
                if record.offset < ends[partition]:
                    yield record
        open_partitions = [tp for tp in open_partitions if await consumer.position(tp) < ends[tp]]
