"""The benchmark's load side: the records, a fast producer, and counting what came out.

It runs in the benchmark's own process, with librdkafka (confluent-kafka), so the load
generator is neither the bottleneck nor on the event loop of what it measures.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence

from confluent_kafka import Consumer as ConfluentConsumer
from confluent_kafka import ConsumerGroupState, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from contracts.binding import to_kafka
from contracts.envelope import new_event
from contracts.intake import NotificationReceived
from hub.runtime.kafka_access import KafkaConnection

__all__ = [
    "Offsets",
    "Records",
    "create_topics",
    "end_total",
    "produce",
    "records",
    "topic_names",
    "wait_for_group",
    "wait_for_total",
]

Records = list[tuple[bytes, bytes, list[tuple[str, str | bytes | None]]]]
WITHIN_S = 120.0


def records(count: int, municipality: str, *, first: int = 0) -> Records:
    """Valid NotificationReceived records for many cases (synthetic CPR numbers only)."""
    made: Records = []
    for n in range(first, first + count):
        data = NotificationReceived.model_validate(
            {
                "notification_id": f"bench-{n}",
                "received_at": "2026-11-02T09:30:00+01:00",
                "child_cpr": f"{61 + n % 28:02d}0316{4000 + n % 1000:04d}",
                "notifier": {"kind": "professional", "relation": "school"},
                "reasons": ["neglect"],
                "channel": "eform",
                "summary": "Synthetic benchmark notification.",
            },
            strict=False,
        )
        event = new_event(
            data, source="urn:casehub:bench", municipality=municipality, case_id=f"B-{n % 997}"
        )
        record = to_kafka(event)
        made.append((record.key, record.value, list(record.headers)))
    return made


def produce(
    kafka: KafkaConnection, topic: str, batch: Records, *, partitions: Sequence[int] | None = None
) -> None:
    """Write ``batch`` (acks=all) and return once every record is acknowledged.

    ``partitions`` pins record i to ``partitions[i % len(partitions)]`` (warm-up records,
    one per partition); otherwise the key picks the partition, as for the hub's records.
    """
    producer = Producer({**kafka.librdkafka_config(), "acks": "all", "linger.ms": 5})
    failed: list[str] = []

    def delivered(err: object, _msg: object) -> None:
        if err is not None:
            failed.append(str(err))

    for n, (key, value, headers) in enumerate(batch):
        while True:
            try:
                if partitions:
                    producer.produce(
                        topic, value, key, partition=partitions[n % len(partitions)],
                        headers=headers, on_delivery=delivered,
                    )  # fmt: skip
                else:
                    producer.produce(topic, value, key, headers=headers, on_delivery=delivered)
                break
            except BufferError:  # the local queue is full: let librdkafka send some
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(WITHIN_S) or failed:
        msg = f"load not acknowledged: {failed[:1]}"
        raise RuntimeError(msg)


def create_topics(
    kafka: KafkaConnection,
    names: Sequence[str],
    *,
    partitions: int,
    config: dict[str, str] | None = None,
) -> None:
    """Create the topics (fresh names: an existing one is an error)."""
    admin = AdminClient({**kafka.librdkafka_config(), "log_level": 4})
    futures = admin.create_topics(
        [NewTopic(name, partitions, 1, config=config or {}) for name in names]
    )
    for future in futures.values():
        future.result(WITHIN_S)


def topic_names(kafka: KafkaConnection) -> set[str]:
    """The topics on the broker now."""
    admin = AdminClient({**kafka.librdkafka_config(), "log_level": 4})
    return set(admin.list_topics(timeout=WITHIN_S).topics)


class Offsets:
    """Sums a topic's end offsets (how many records it holds) with one long-lived client."""

    def __init__(self, kafka: KafkaConnection, topic: str, partitions: int) -> None:
        self._consumer = ConfluentConsumer(
            {**kafka.librdkafka_config(), "group.id": f"bench-count-{uuid.uuid4()}"}
        )
        self._parts = [TopicPartition(topic, p) for p in range(partitions)]

    def total(self) -> int:
        """Records in the topic now (a topic just created may not have its leaders yet)."""
        deadline = time.monotonic() + WITHIN_S
        while True:
            try:
                return sum(
                    self._consumer.get_watermark_offsets(tp, timeout=10, cached=False)[1]
                    for tp in self._parts
                )
            except KafkaException:  # not leader / unknown partition, for a while
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        """Disconnect."""
        self._consumer.close()


def end_total(kafka: KafkaConnection, topic: str, partitions: int) -> int:
    """Records in ``topic`` now (all partitions)."""
    offsets = Offsets(kafka, topic, partitions)
    try:
        return offsets.total()
    finally:
        offsets.close()


def _nothing() -> None:
    pass


def wait_for_total(
    offsets: Offsets, target: int, *, alive: Callable[[], None] = _nothing, poll_s: float = 0.005
) -> float:
    """Wait until the topic holds ``target`` records; return when that was seen.

    ``alive`` raises when what should produce them has died (no use waiting then).
    """
    deadline = time.monotonic() + WITHIN_S
    while offsets.total() < target:
        alive()
        if time.monotonic() > deadline:
            msg = f"fewer than {target} records after {WITHIN_S:.0f} s"
            raise TimeoutError(msg)
        time.sleep(poll_s)
    return time.perf_counter()


def wait_for_group(
    kafka: KafkaConnection, group: str, members: int, *, alive: Callable[[], None] = _nothing
) -> None:
    """Wait until ``group`` is stable with ``members`` members, each with partitions."""
    admin = AdminClient({**kafka.librdkafka_config(), "log_level": 4})
    deadline = time.monotonic() + WITHIN_S
    while time.monotonic() < deadline:
        alive()
        try:
            description = admin.describe_consumer_groups([group])[group].result(10)
        except KafkaException:
            description = None
        if (
            description is not None
            and description.state == ConsumerGroupState.STABLE
            and len(description.members) == members
            and all(m.assignment.topic_partitions for m in description.members)
        ):
            return
        time.sleep(0.1)
    msg = f"group {group} not stable with {members} members after {WITHIN_S:.0f} s"
    raise TimeoutError(msg)
