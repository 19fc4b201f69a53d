"""Reading and writing raw records on the real broker, for assertions (not hub code)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import RecordMetadata

from hub.runtime.kafka_access import KafkaConnection

__all__ = [
    "cli_options",
    "end_offsets",
    "produce",
    "read_topic",
    "wait_for_records",
    "wait_until_consumed",
]

Record = ConsumerRecord  # type alias for readers of the tests

# A fresh CI machine (two cores, a broker and the hub on them) is slower than a laptop: the
# waits below wait for a condition, and fail only when it is still false after this long.
WITHIN_S = 60.0


def cli_options(kafka: KafkaConnection) -> list[str]:
    """The ``casehub`` options that make a command reach the broker as ``kafka`` does."""
    return [
        "--bootstrap",
        kafka.bootstrap_servers,
        "--kafka-security",
        kafka.security.model_dump_json(),
    ]


async def produce(  # noqa: PLR0913 - the record, where, and how large it may be
    kafka: KafkaConnection,
    topic: str,
    value: bytes | None,
    *,
    key: bytes | None = None,
    headers: Sequence[tuple[str, bytes]] = (),
    max_request_size: int = 1024 * 1024,
) -> RecordMetadata:
    """Write one record and return where it went (partition and offset)."""
    producer = AIOKafkaProducer(
        **kafka.client_options(), acks="all", max_request_size=max_request_size
    )
    await producer.start()
    try:
        return await producer.send_and_wait(topic, value, key=key, headers=list(headers))
    finally:
        await producer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    if not partitions:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    return partitions


async def read_topic(kafka: KafkaConnection, topic: str) -> list[ConsumerRecord]:
    """Every record now in ``topic``, without a consumer group (none while it does not exist:
    the deadline engine's state topic, for one, is created once the engine starts)."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topic)
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=500)
            for part in batch.values():
                records.extend(part)
        return records
    finally:
        await consumer.stop()


async def end_offsets(kafka: KafkaConnection, topics: Sequence[str]) -> dict[TopicPartition, int]:
    """The offset after the last record of each partition of ``topics``, now."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [tp for topic in topics for tp in await _partitions(consumer, topic)]
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return ends
    finally:
        await consumer.stop()


async def wait_for_records(
    kafka: KafkaConnection,
    topic: str,
    predicate: Callable[[ConsumerRecord], bool],
    *,
    count: int = 1,
    within: float = WITHIN_S,
) -> list[ConsumerRecord]:
    """Poll ``topic`` until ``count`` records match, or fail after ``within`` seconds."""
    matched: list[ConsumerRecord] = []
    async with asyncio.timeout(within):
        while True:
            matched = [r for r in await read_topic(kafka, topic) if predicate(r)]
            if len(matched) >= count:
                return matched
            await asyncio.sleep(0.3)


async def wait_until_consumed(
    kafka: KafkaConnection, group: str, topics: Sequence[str], *, within: float = WITHIN_S
) -> None:
    """Wait until consumer ``group`` has committed every record that is in ``topics`` now.

    The hub commits a record's offset only once the record has its outcome (handled and its
    follow-ups acknowledged, quarantined, or parked in the delivery store), so after this a
    test can count what the group did with those records, without guessing how long it takes.
    A parked record is still to be tried: check the store's ``parked_count`` where it matters.
    """
    ends = {tp: end for tp, end in (await end_offsets(kafka, topics)).items() if end > 0}
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        async with asyncio.timeout(within):
            while True:
                committed = await admin.list_consumer_group_offsets(group)
                behind = [
                    tp
                    for tp, end in ends.items()
                    if tp not in committed or committed[tp].offset < end
                ]
                if not behind:
                    return
                await asyncio.sleep(0.2)
    finally:
        await admin.close()
