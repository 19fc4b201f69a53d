"""The raw aiokafka forwarder: the fastest consume → decode → produce → commit loop we could write.

    python -m benchmarks.forward_aiokafka BOOTSTRAP SOURCE TARGET GROUP

Runs in a process of its own until SIGTERM. Each fetch (``getmany``, up to 5,000 records)
is decoded (``json.loads`` of every value, the least a forwarder that reads its records
does), then written to the same partition of ``TARGET`` as whole batches
(``create_batch`` / ``send_batch``: no per-record future or partitioner call) on an
idempotent ``acks=all`` producer; once every batch is acknowledged, the fetch's offsets
are committed. At least once, like the hub. ``--per-record`` uses ``send()`` per record
instead (what the hub's publisher does), to show what batching the sends is worth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from benchmarks.access import worker_connection
from hub.runtime.kafka_access import KafkaConnection

__all__ = ["forward"]


async def forward(  # noqa: PLR0913 - the forwarder's whole configuration
    kafka: KafkaConnection,
    source: str,
    target: str,
    group: str,
    *,
    per_record: bool,
    stop: asyncio.Event,
) -> None:
    """Forward ``source`` to ``target`` until ``stop`` is set."""
    consumer = AIOKafkaConsumer(
        source, **kafka.client_options(), group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest", fetch_max_wait_ms=100,
    )  # fmt: skip
    producer = AIOKafkaProducer(
        **kafka.client_options(), acks="all", enable_idempotence=True, linger_ms=5
    )
    await consumer.start()
    await producer.start()
    try:
        while not stop.is_set():
            fetched = await consumer.getmany(timeout_ms=200, max_records=5000)
            if not fetched:
                continue
            sends = _per_record if per_record else _batched
            await asyncio.gather(*await sends(producer, target, fetched))
            await consumer.commit({tp: rs[-1].offset + 1 for tp, rs in fetched.items()})
    finally:
        await producer.stop()
        await consumer.stop()


async def _batched(
    producer: AIOKafkaProducer, target: str, fetched: dict[TopicPartition, list[Any]]
) -> list[asyncio.Future[Any]]:
    sent = []
    for tp, records in fetched.items():
        batch = producer.create_batch()
        for record in records:
            json.loads(record.value)
            if batch.append(key=record.key, value=record.value, timestamp=None,
                            headers=list(record.headers)) is None:  # fmt: skip
                sent.append(await producer.send_batch(batch, target, partition=tp.partition))
                batch = producer.create_batch()
                batch.append(key=record.key, value=record.value, timestamp=None,
                             headers=list(record.headers))  # fmt: skip
        sent.append(await producer.send_batch(batch, target, partition=tp.partition))
    return sent


async def _per_record(
    producer: AIOKafkaProducer, target: str, fetched: dict[TopicPartition, list[Any]]
) -> list[asyncio.Future[Any]]:
    sent = []
    for tp, records in fetched.items():
        for record in records:
            json.loads(record.value)
            headers = list(record.headers)
            future = await producer.send(
                target, record.value, key=record.key, headers=headers, partition=tp.partition
            )
            sent.append(future)
    return sent


async def _main(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await forward(
        worker_connection(args),
        args.source,
        args.target,
        args.group,
        per_record=args.per_record,
        stop=stop,
    )


def main() -> None:
    """Parse the arguments and forward until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("bootstrap", "source", "target", "group"):
        parser.add_argument(name)
    parser.add_argument("--per-record", action="store_true")
    parser.add_argument("--kafka-security", help="CASEHUB_KAFKA_SECURITY, JSON")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
