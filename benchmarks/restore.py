"""How long a state store takes to restore: a compacted changelog read to its end into a table.

A component's state table (``hub.runtime.state``) is a compacted changelog topic read to
its end when a partition is assigned, before it handles anything. ``RESTORERS`` holds one
``Restore`` per reader: a function taking the broker (``KafkaConnection``) and the changelog
topic and returning the seconds it took to have every partition read to its end offset into a dict:
each client's plain reader, and the hub's own ``KafkaChangelog.restore`` (which also decodes
the keys and logs the restore), on the same topic.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException
from confluent_kafka import TopicPartition as ConfluentPartition

from benchmarks.load import Records, create_topics, produce
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state import KafkaChangelog, Task
from routing.topics import changelog_topic

__all__ = [
    "RESTORERS",
    "Restore",
    "Table",
    "changelog",
    "read_aiokafka",
    "read_confluent",
    "timed",
]

Table = dict[bytes, bytes]
Restore = Callable[[KafkaConnection, str], float]
"""(broker, changelog topic) -> seconds to read it to its end."""

PARTITIONS = 3
"""A changelog is co-partitioned with the store's input: the hub's topics have three."""
_MUNICIPALITY = "101"


def changelog(kafka: KafkaConnection, entries: int, *, value_bytes: int = 200) -> str:
    """A fresh compacted topic with ``entries`` distinct keys; returns its name."""
    name = changelog_topic(f"bench-{uuid.uuid4().hex[:8]}", _MUNICIPALITY)  # the hub's naming
    create_topics(kafka, [name], partitions=PARTITIONS, config={"cleanup.policy": "compact"})
    filler = b"x" * max(0, value_bytes - 60)
    batch: Records = [
        (f"entry-{n:07d}".encode(), b'{"n": %d, "state": "%s"}' % (n, filler), [])
        for n in range(entries)
    ]
    produce(kafka, name, batch)
    return name


def read_aiokafka(kafka: KafkaConnection, topic: str) -> Table:
    """The topic's table as aiokafka reads it: assign, seek to the start, fetch to the end."""
    return asyncio.run(_read_aiokafka(kafka, topic))


async def _read_aiokafka(kafka: KafkaConnection, topic: str) -> Table:
    consumer = AIOKafkaConsumer(
        **kafka.client_options(), enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024,
    )  # fmt: skip
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        table: Table = {}
        left = {tp for tp in parts if ends[tp] > 0}
        while left:
            fetched = await consumer.getmany(*left, timeout_ms=1000, max_records=50_000)
            for tp, records in fetched.items():
                for record in records:
                    if record.value is None:
                        table.pop(record.key, None)  # a tombstone deletes the entry
                    else:
                        table[record.key] = record.value
                if records and records[-1].offset + 1 >= ends[tp]:
                    left.discard(tp)
        return table
    finally:
        await consumer.stop()


def read_confluent(kafka: KafkaConnection, topic: str) -> Table:
    """The topic's table as librdkafka reads it: assign from the start, consume to the end."""
    consumer = Consumer(
        {
            **kafka.librdkafka_config(),
            "group.id": f"bench-restore-{uuid.uuid4()}",  # never joined: assign, no commits
            "enable.auto.commit": False,
        }
    )
    try:
        ends = {
            p: consumer.get_watermark_offsets(ConfluentPartition(topic, p), timeout=10)[1]
            for p in range(PARTITIONS)
        }
        consumer.assign([ConfluentPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        table: Table = {}
        left = {p for p, end in ends.items() if end > 0}
        while left:
            for message in consumer.consume(
                num_messages=10_000, timeout=0.01
            ):  # short: see forward
                if message.error():
                    raise KafkaException(message.error())
                key, value = message.key() or b"", message.value()
                if value is None:
                    table.pop(key, None)
                else:
                    table[key] = value
                partition, offset = message.partition(), message.offset()
                if partition in left and offset is not None and offset + 1 >= ends[partition]:
                    left.discard(partition)
        return table
    finally:
        consumer.close()


def read_hub(kafka: KafkaConnection, topic: str) -> Table:
    """The topic's tables as the hub restores them (every task of its municipality)."""
    group = topic.removesuffix(changelog_topic("", _MUNICIPALITY))
    changelog = KafkaChangelog(
        kafka, group, [_MUNICIPALITY], partitions=PARTITIONS, replication=1,
        max_record_bytes=8 * 1024 * 1024,
    )  # fmt: skip
    tasks = [Task(_MUNICIPALITY, p) for p in range(PARTITIONS)]
    tables = asyncio.run(changelog.restore(tasks))
    return {key.encode(): value for table in tables.values() for key, value in table.items()}


def timed(read: Callable[[KafkaConnection, str], Table]) -> Restore:
    """A ``Restore`` from a function that returns the table (the clock covers all of it)."""

    def restore(kafka: KafkaConnection, topic: str) -> float:
        began = time.perf_counter()
        read(kafka, topic)
        return time.perf_counter() - began

    return restore


RESTORERS: dict[str, Restore] = {
    "aiokafka": timed(read_aiokafka),
    "confluent-kafka": timed(read_confluent),
    "hub KafkaChangelog": timed(read_hub),
}
