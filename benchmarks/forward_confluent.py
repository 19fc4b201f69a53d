"""The raw confluent-kafka (librdkafka) forwarder: consume → decode → produce → commit.

    python -m benchmarks.forward_confluent BOOTSTRAP SOURCE TARGET GROUP

Runs in a process of its own until SIGTERM. Each ``consume`` (up to 5,000 records) is
decoded (``json.loads`` of every value), produced to the same partition of ``TARGET`` on
an idempotent ``acks=all`` producer, flushed (every record acknowledged) and then its
offsets are committed synchronously. At least once, like the hub. librdkafka batches,
compresses and sends on its own threads; Python only hands it the records.
"""

from __future__ import annotations

import argparse
import json
import signal
from types import FrameType

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from benchmarks.access import worker_connection
from hub.runtime.kafka_access import KafkaConnection

__all__ = ["forward"]

_stopping: list[bool] = []


def forward(kafka: KafkaConnection, source: str, target: str, group: str) -> None:
    """Forward ``source`` to ``target`` until SIGTERM."""
    consumer = Consumer(
        {
            **kafka.librdkafka_config(),
            "group.id": group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 100,
        }
    )
    producer = Producer(
        {
            **kafka.librdkafka_config(),
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 5,
        }
    )
    failed: list[str] = []

    def delivered(err: object, _msg: object) -> None:
        if err is not None:
            failed.append(str(err))

    consumer.subscribe([source])
    try:
        while not _stopping:
            # consume() waits for a full batch or the timeout: a short one, or each batch waits.
            messages = consumer.consume(num_messages=5000, timeout=0.005)
            if not messages:
                continue
            ends: dict[int, int] = {}
            for message in messages:
                if message.error():
                    raise KafkaException(message.error())
                value = message.value()
                json.loads(value or b"")
                partition, offset = message.partition() or 0, message.offset() or 0
                producer.produce(
                    target, value, message.key(), partition=partition,
                    headers=message.headers(), on_delivery=delivered,
                )  # fmt: skip
                ends[partition] = offset + 1
            producer.flush()
            if failed:
                msg = f"forward not acknowledged: {failed[0]}"
                raise RuntimeError(msg)
            consumer.commit(
                offsets=[TopicPartition(source, p, end) for p, end in ends.items()],
                asynchronous=False,
            )
    finally:
        producer.flush()
        consumer.close()


def _stop(_signum: int, _frame: FrameType | None) -> None:
    _stopping.append(True)


def main() -> None:
    """Parse the arguments and forward until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("bootstrap", "source", "target", "group"):
        parser.add_argument(name)
    parser.add_argument("--kafka-security", help="CASEHUB_KAFKA_SECURITY, JSON")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    forward(worker_connection(args), args.source, args.target, args.group)


if __name__ == "__main__":
    main()
