"""Reading the history the extract folds: every event now on the outcome-relevant topics.

It reads each municipality's case, decision, measure, finance and outcome topics from the beginning
to their end offsets at the start of the read, without a consumer group (nothing is
committed; a running hub is not disturbed). A record that is not a valid event is skipped
and counted: it was quarantined by the component that met it, and is no outcome. With the
hub's data keys (field encryption on), sealed records are opened first; one that does not
open (its key shredded, not here, or the value moved) is skipped and counted too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.base import Contract
from contracts.binding import InvalidRecordError, from_kafka
from contracts.envelope import Event
from hub.runtime.crypto import DataKeys, FieldCrypto
from hub.runtime.errors import HubError
from hub.runtime.kafka_access import KafkaConnection
from routing.topics import topic

__all__ = ["DOMAINS_READ", "History", "read_history"]

DOMAINS_READ = ("case", "decision", "measure", "finance", "outcome")


@dataclass
class History:
    """The events read, in order within each partition (a case's order), and what was not."""

    events: list[Event[Contract]] = field(default_factory=list)
    skipped: int = 0


async def read_history(
    kafka: KafkaConnection, municipalities: Iterable[str], *, keys: DataKeys | None = None
) -> History:
    """Every event on the outcome-relevant topics of ``municipalities``.

    ``keys``: the data keys that open sealed records (None: a sealed record is skipped).
    """
    crypto = None if keys is None else FieldCrypto(keys)
    names = [topic(d, m) for m in municipalities for d in DOMAINS_READ]
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    history = History()
    try:
        # A topic this consumer never used is only in a fresh metadata answer.
        cluster = await consumer._client.fetch_all_metadata()  # noqa: SLF001 - as hub.cli.audit
        partitions = [TopicPartition(n, p) for n in names
                      for p in sorted(cluster.partitions_for_topic(n) or ())]  # fmt: skip
        if not partitions:
            return history
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        by_partition: dict[TopicPartition, list[tuple[list[tuple[str, bytes]], bytes]]] = {}
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=500)
            for tp, records in batch.items():
                kept = [r for r in records if r.offset < ends[tp]]
                by_partition.setdefault(tp, []).extend((list(r.headers), r.value) for r in kept)
    finally:
        await consumer.stop()
    for records in by_partition.values():
        for headers, value in records:
            try:
                opened: tuple[list[tuple[str, bytes | None]], bytes | None] = (
                    (list(headers), value) if crypto is None else crypto.open(headers, value)
                )
                history.events.append(from_kafka(*opened))
            except (InvalidRecordError, HubError):
                history.skipped += 1
    return history
