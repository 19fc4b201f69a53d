"""A group's changelog: compacted topics that hold its state, one per municipality.

``<group>.state.<kommunekode>`` has as many partitions as the municipality's business
topics; partition ``p`` holds task ``(kommunekode, p)``'s table, key → latest value, a
tombstone (null value) for a removed key. Compaction keeps the latest value of each key, so
a restore reads about one record per live key, not the history of changes; what a component
never removes (sent letters, finished deadlines) stays a live key and is read on every
restore.

``KafkaChangelog`` talks to aiokafka directly, as ``hub.runtime.provision`` does: reading a
partition to its end needs assign, seek and end offsets, which FastStream's subscribers do
not offer. ``MemoryChangelog`` keeps the log in a dict, for fast unit tests and for the
in-memory test broker; the real-broker tests use the Kafka one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from hub.runtime.errors import TransientError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.provision import PartitionMismatchError
from hub.runtime.state.task import Task
from routing.topics import changelog_topic

__all__ = [
    "Changelog",
    "KafkaChangelog",
    "MemoryChangelog",
    "Write",
    "apply_record",
    "changelog_config",
]

log = structlog.get_logger(__name__)

Write = tuple[Task, str, bytes | None]
"""One change: the task, the key, the new value (``None``: the key is removed)."""


def changelog_config(max_record_bytes: int) -> dict[str, str]:
    """How a changelog topic is created: compacted, never deleted by age, room for a row."""
    return {
        "cleanup.policy": "compact",
        "retention.ms": "-1",
        # A parked record is a row: it must fit whole, with its headers and its place.
        "max.message.bytes": str(max_record_bytes),
        # Old values are compacted away soon; the latest value of a key stays for ever.
        "min.compaction.lag.ms": "60000",
    }


class Changelog(Protocol):
    """Where a group's tables are made durable, and read back on assignment."""

    async def start(self) -> None:
        """Create what is missing and connect.

        Raises:
            TransientError: the broker could not be reached.

        """

    async def restore(self, tasks: Collection[Task]) -> dict[Task, dict[str, bytes]]:
        """Each task's table as the changelog has it now (read to its end).

        Raises:
            TransientError: a partition could not be read to its end.

        """

    async def write(self, writes: Sequence[Write]) -> None:
        """Make every change durable before returning (acknowledged by all replicas).

        Raises:
            TransientError: a change was not acknowledged; the caller keeps it to send again.

        """

    async def close(self) -> None:
        """Release the connections."""


class MemoryChangelog:
    """The changelog in a dict: outlives a table (hand it to the next one), not the process."""

    def __init__(self, max_record_bytes: int | None = None) -> None:
        self.tables: dict[Task, dict[str, bytes]] = {}
        self.max_record_bytes = max_record_bytes  # refuses larger rows, as the topics do
        self.writes = 0
        self.restores = 0
        self.fail = False  # a test switches the broker "off"

    async def start(self) -> None:
        """Nothing to connect."""

    async def restore(self, tasks: Collection[Task]) -> dict[Task, dict[str, bytes]]:
        """A copy of each task's table (refused while ``fail`` is set)."""
        if self.fail:
            msg = "changelog restore: the broker is down (test)"
            raise TransientError(msg)
        self.restores += 1
        return {task: dict(self.tables.get(task, {})) for task in tasks}

    async def write(self, writes: Sequence[Write]) -> None:
        """Apply the changes (or refuse them all while ``fail`` is set)."""
        if self.fail:
            msg = "changelog write: the broker is down (test)"
            raise TransientError(msg)
        limit = self.max_record_bytes
        if limit is not None and any(len(k) + len(v or b"") > limit for _t, k, v in writes):
            msg = "changelog write: MessageSizeTooLargeError (test)"
            raise TransientError(msg)
        for task, key, value in writes:
            table = self.tables.setdefault(task, {})
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
            self.writes += 1

    async def close(self) -> None:
        """Nothing to release."""


class KafkaChangelog:
    """The changelog on Kafka: an idempotent producer, a reader per restore."""

    def __init__(  # noqa: PLR0913 - where, whose, and how the topics are made
        self,
        kafka: KafkaConnection,
        group: str,
        municipalities: Iterable[str],
        *,
        partitions: int,
        replication: int,
        max_record_bytes: int,
        client_id: str = "casehub-state",
        restore_timeout_s: float = 300.0,
    ) -> None:
        self._kafka = kafka
        self._group = group
        self._municipalities = tuple(municipalities)
        self._partitions = partitions
        self._replication = replication
        self._limit = max_record_bytes
        self._client_id = client_id
        self._restore_timeout_s = restore_timeout_s
        self._producer: AIOKafkaProducer | None = None

    def topic(self, municipality: str) -> str:
        """The changelog topic of one municipality."""
        return changelog_topic(self._group, municipality)

    async def partitions_of(self, municipality: str) -> int:
        """How many partitions the municipality's changelog has (a reader of every task).

        Raises:
            TransientError: the topic does not exist or the broker could not be asked.

        """
        admin = AIOKafkaAdminClient(**self._kafka.client_options(), client_id=self._client_id)
        try:
            await admin.start()
            (described,) = await admin.describe_topics([self.topic(municipality)])
        except KafkaError as exc:
            msg = f"changelog topic: {type(exc).__name__}"
            raise TransientError(msg) from None
        finally:
            await admin.close()
        if described.get("error_code") != 0 or not described.get("partitions"):
            msg = f"no changelog topic {self.topic(municipality)} (has the component run?)"
            raise TransientError(msg)
        return len(described["partitions"])

    async def start(self) -> None:
        """Create the missing changelog topics and start the producer."""
        await self._ensure_topics()
        await self._producer_started()

    async def _ensure_topics(self) -> None:
        config = changelog_config(self._limit)
        wanted = [
            NewTopic(self.topic(code), self._partitions, self._replication, topic_configs=config)
            for code in self._municipalities
        ]
        admin = AIOKafkaAdminClient(**self._kafka.client_options(), client_id=self._client_id)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in wanted if t.name not in existing]
            response = await admin.create_topics(missing) if missing else None
            for entry in getattr(response, "topic_errors", ()):
                name, code = entry[0], entry[1]
                if code and for_code(code) is not TopicAlreadyExistsError:
                    msg = f"could not create topic {name}: {for_code(code).__name__}"
                    raise TransientError(msg)
            described = await _with_leaders(admin, [t.name for t in wanted])
        except KafkaError as exc:
            msg = f"could not create the changelog topics: {type(exc).__name__}"
            raise TransientError(msg) from None
        finally:
            await admin.close()
        for topic in described:
            count = len(topic.get("partitions") or [])
            if topic.get("error_code") == 0 and count != self._partitions:
                msg = (
                    f"the state topic {topic['topic']} has {count} partitions, not "
                    f"{self._partitions}: a task's state would be on another partition than its "
                    "records; give it the count of the business topics"
                )
                raise PartitionMismatchError(msg)

    async def _producer_started(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        producer = AIOKafkaProducer(
            **self._kafka.client_options(),
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_request_size=self._limit,
        )
        # Stopped on every way out of a failed start, cancellation included, so a hub
        # stopped during a start leaves no connection open.
        try:
            await producer.start()
        except BaseException as exc:
            await producer.stop()
            if not isinstance(exc, KafkaError):
                raise
            msg = f"changelog producer: {type(exc).__name__}"
            raise TransientError(msg) from None
        self._producer = producer
        return producer

    async def write(self, writes: Sequence[Write]) -> None:
        """Send every change, then wait for all of them to be acknowledged."""
        if not writes:
            return
        producer = await self._producer_started()
        try:
            sent = [
                await producer.send(
                    self.topic(task.municipality),
                    value,
                    key=key.encode(),
                    partition=task.partition,
                )
                for task, key, value in writes
            ]
            await asyncio.gather(*sent)
        except KafkaError as exc:
            # An idempotent producer whose batch failed may keep refusing the partition's
            # sequence: the next write starts a new one (the caller sends the changes again).
            self._producer = None
            await producer.stop()
            msg = f"changelog write: {type(exc).__name__}"
            raise TransientError(msg) from None

    async def restore(self, tasks: Collection[Task]) -> dict[Task, dict[str, bytes]]:
        """Read each task's changelog partition from its beginning to its current end."""
        if not tasks:
            return {}
        started = time.monotonic()
        partitions = {TopicPartition(self.topic(t.municipality), t.partition): t for t in tasks}
        tables: dict[Task, dict[str, bytes]] = {task: {} for task in tasks}
        consumer = AIOKafkaConsumer(
            **self._kafka.client_options(),
            client_id=f"{self._client_id}-restore",
            enable_auto_commit=False,
            # A row may be as large as a parked record with its headers.
            max_partition_fetch_bytes=self._limit,
        )
        try:
            await consumer.start()
            # A partition whose leader is gone answers nothing and raises nothing: bounded,
            # so the rebalance callback (and the hub's stop) is never held for ever.
            async with asyncio.timeout(self._restore_timeout_s):
                await _read_to_end(consumer, partitions, tables)
        except (KafkaError, TimeoutError) as exc:
            msg = f"changelog restore: {type(exc).__name__}"
            raise TransientError(msg) from None
        finally:
            await consumer.stop()
        log.info(
            "state_restored",
            group=self._group,
            tasks=len(tasks),
            entries=sum(len(table) for table in tables.values()),
            seconds=round(time.monotonic() - started, 3),
        )
        return tables

    async def close(self) -> None:
        """Stop the producer."""
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()


_LEADER_ATTEMPTS = 40
_LEADER_PAUSE_S = 0.1


async def _with_leaders(admin: AIOKafkaAdminClient, names: list[str]) -> list[dict[str, Any]]:
    """The topics as the broker describes them, once each has a leader per partition.

    A topic just made (here or by another hub a moment before) may not be known yet, and a
    restore right after would otherwise wait for the next metadata refresh.
    """
    described: list[dict[str, Any]] = []
    for _ in range(_LEADER_ATTEMPTS):
        described = await admin.describe_topics(names) if names else []
        if all(_has_leaders(topic) for topic in described):
            break
        await asyncio.sleep(_LEADER_PAUSE_S)
    return described


def _has_leaders(topic: dict[str, Any]) -> bool:
    partitions = topic.get("partitions") or []
    return (
        topic.get("error_code") == 0
        and bool(partitions)
        and all(p.get("error_code") == 0 and p.get("leader", -1) >= 0 for p in partitions)
    )


def apply_record(table: dict[str, bytes], record: Any) -> str | None:  # noqa: ANN401 - aiokafka's
    """Apply one changelog record to ``table`` (a null value removes its key); its key."""
    if record.key is None:
        return None
    key: str = record.key.decode()
    if record.value is None:
        table.pop(key, None)
    else:
        table[key] = record.value
    return key


async def _read_to_end(
    consumer: AIOKafkaConsumer,
    partitions: Mapping[TopicPartition, Task],
    tables: dict[Task, dict[str, bytes]],
) -> None:
    consumer.assign(list(partitions))
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(list(partitions))
    missing = [tp for tp in partitions if tp not in ends]
    if missing:
        msg = "changelog restore: a changelog topic has fewer partitions than its inputs"
        raise TransientError(msg)
    remaining = {tp for tp in partitions if ends[tp] > 0}
    while remaining:
        batch = await consumer.getmany(*remaining, timeout_ms=500)
        for tp, records in batch.items():
            table = tables[partitions[tp]]
            for record in records:
                apply_record(table, record)
        remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
