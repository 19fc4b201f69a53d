"""One record by its address (topic, partition, offset), read by the operators' commands."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

__all__ = ["record_at"]


async def record_at(
    consumer: AIOKafkaConsumer, wanted: TopicPartition, offset: int, *, timeout_s: float
) -> ConsumerRecord[bytes, bytes] | None:
    """The record at ``offset`` of ``wanted``; None when it is not there (any more).

    The consumer is assigned ``wanted`` (only). A compacted or retention-trimmed partition
    may have no record at ``offset`` although it is in range: None as well.

    Raises:
        TimeoutError: the record did not come within ``timeout_s``.

    """
    consumer.assign([wanted])
    first = (await consumer.beginning_offsets([wanted]))[wanted]
    end = (await consumer.end_offsets([wanted]))[wanted]
    if not first <= offset < end:
        return None
    consumer.seek(wanted, offset)
    async with asyncio.timeout(timeout_s):
        while True:
            batch = await consumer.getmany(wanted, timeout_ms=500, max_records=1)
            record = next((r for records in batch.values() for r in records), None)
            if record is not None:
                return record if record.offset == offset else None
