"""The engine's state in Kafka: one compacted topic per municipality, read to its end on start.

``casehub.<kommunekode>.deadline-state.v1`` shares the municipality's topic prefix (and so
its ACLs). Compaction keeps the latest value per key: the table survives restarts and
moves with the cluster. This module talks to aiokafka directly, as ``hub.runtime.provision`` does:
FastStream offers no admin client, and reading a table to its end needs assign, seek and
end offsets, which its subscribers do not offer.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from hub.runtime.errors import TransientError
from routing.topics import PREFIX

__all__ = [
    "StateTopic",
    "ensure_state_topics",
    "read_state",
    "state_municipalities",
    "state_topic",
]

log = structlog.get_logger(__name__)

_CONFIG = {
    "cleanup.policy": "compact",
    # Compaction only: a deadline's record is kept however long the deadline runs.
    "retention.ms": "-1",
    "min.compaction.lag.ms": "60000",
}


_DESCRIBE_ATTEMPTS = 20
_DESCRIBE_PAUSE_S = 0.25
_STATE = re.compile(re.escape(PREFIX) + r"\.\d{3}\.deadline-state\.v1")


def state_topic(municipality: str) -> str:
    """The deadline-state topic of one municipality."""
    return f"{PREFIX}.{municipality}.deadline-state.v1"


async def ensure_state_topics(
    bootstrap_servers: str,
    municipalities: Iterable[str],
    *,
    partitions: int = 1,
    replication: int = 1,
) -> list[str]:
    """Create each municipality's compacted state topic unless it exists; return those created."""
    wanted = [
        NewTopic(state_topic(code), partitions, replication, topic_configs=_CONFIG)
        for code in municipalities
    ]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="casehub-provision")
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t.name not in existing]
        response = await admin.create_topics(missing) if missing else None
    except KafkaError as exc:
        msg = f"could not create the deadline-state topics: {type(exc).__name__}"
        raise TransientError(msg) from None
    finally:
        await admin.close()
    for entry in getattr(response, "topic_errors", ()):
        name, code = entry[0], entry[1]
        if code and for_code(code) is not TopicAlreadyExistsError:
            msg = f"could not create topic {name}: {for_code(code).__name__}"
            raise TransientError(msg)
    return [t.name for t in missing]


async def _describe(bootstrap_servers: str, wanted: Iterable[str] | None) -> dict[str, list[int]]:
    """Existing deadline-state topics (all, or of the ``wanted`` municipalities) → partitions.

    A topic whose partitions have no leader yet (just created, or a broker failing over) is
    asked again; one that stays so raises: reading it as empty would forget deadlines.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="casehub-deadlines")
    try:
        await admin.start()
        names = [n for n in await admin.list_topics() if _STATE.fullmatch(n)]
        if wanted is not None:
            names = sorted(set(names) & {state_topic(code) for code in wanted})
        for _ in range(_DESCRIBE_ATTEMPTS):
            described = await admin.describe_topics(names) if names else []
            if all(_ready(topic) for topic in described):
                break
            await asyncio.sleep(_DESCRIBE_PAUSE_S)
        else:
            msg = "deadline-state topics have partitions without a leader"
            raise TransientError(msg)
    finally:
        await admin.close()
    return {t["topic"]: sorted(p["partition"] for p in t["partitions"]) for t in described}


def _ready(topic: dict[str, Any]) -> bool:
    partitions = topic.get("partitions") or []
    return (
        topic.get("error_code") == 0
        and bool(partitions)
        and all(p.get("error_code") == 0 for p in partitions)
    )


async def state_municipalities(bootstrap_servers: str) -> tuple[str, ...]:
    """The municipalities that have a deadline-state topic.

    Raises:
        TransientError: Kafka could not be reached.

    """
    try:
        topics = await _describe(bootstrap_servers, None)
    except KafkaError as exc:
        msg = f"deadline-state topics: {type(exc).__name__}"
        raise TransientError(msg) from None
    return tuple(sorted(n.split(".")[1] for n in topics))


async def read_state(
    bootstrap_servers: str, municipalities: Iterable[str]
) -> list[tuple[str, str, bytes]]:
    """The latest value of every record in the municipalities' state topics (missing: none).

    Raises:
        TransientError: a topic could not be read to its end.

    """
    found: dict[tuple[str, str], bytes | None] = {}
    try:
        topics = await _describe(bootstrap_servers, municipalities)
    except KafkaError as exc:
        msg = f"deadline-state topics: {type(exc).__name__}"
        raise TransientError(msg) from None
    partitions = {
        TopicPartition(name, p): name.split(".")[1]
        for name, numbers in topics.items()
        for p in numbers
    }
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="casehub-deadlines",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    try:
        await consumer.start()
        await _read_to_end(consumer, partitions, found)
    except KafkaError as exc:
        msg = f"deadline-state read: {type(exc).__name__}"
        raise TransientError(msg) from None
    finally:
        await consumer.stop()
    return [(m, key, value) for (m, key), value in found.items() if value is not None]


async def _read_to_end(
    consumer: AIOKafkaConsumer,
    partitions: dict[TopicPartition, str],
    found: dict[tuple[str, str], bytes | None],
) -> None:
    consumer.assign(list(partitions))
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(list(partitions))
    while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
        batch = await consumer.getmany(*partitions, timeout_ms=500)
        for tp, records in batch.items():
            for record in records:
                if record.key is not None:
                    found[partitions[tp], record.key.decode()] = record.value


class StateTopic:
    """The ``StateStore`` on Kafka: idempotent producer, acknowledged by all replicas."""

    def __init__(
        self,
        bootstrap_servers: str,
        municipalities: Iterable[str],
        *,
        partitions: int = 1,
        replication: int = 1,
        client_id: str = "casehub-deadlines",
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._municipalities = tuple(municipalities)
        self._partitions = partitions
        self._replication = replication
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Create the topics that are missing and start the producer.

        Raises:
            TransientError: Kafka could not be reached.

        """
        await ensure_state_topics(
            self._bootstrap,
            self._municipalities,
            partitions=self._partitions,
            replication=self._replication,
        )
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap,
                client_id=self._client_id,
                acks="all",
                enable_idempotence=True,
            )
            # Stopped on every way out of a failed start, cancellation included: the hub
            # cancels the ticker (which runs this) when it stops, and a hub stopped while
            # this start is under way would otherwise leave the producer and its
            # connections unclosed (ResourceWarning), since ``close`` never saw it.
            try:
                await producer.start()
            except BaseException as exc:
                await producer.stop()
                if not isinstance(exc, KafkaError):
                    raise
                msg = f"deadline-state producer: {type(exc).__name__}"
                raise TransientError(msg) from None
            self._producer = producer

    async def load(self) -> list[tuple[str, str, bytes]]:
        """Every record's latest value, read from the beginning to the current end."""
        return await read_state(self._bootstrap, self._municipalities)

    async def write(self, municipality: str, key: str, value: bytes) -> None:
        """Write one record and wait for all replicas."""
        await self._send(municipality, key, value)

    async def delete(self, municipality: str, key: str) -> None:
        """Write a tombstone for one record and wait for all replicas; compaction drops it."""
        await self._send(municipality, key, None)

    async def _send(self, municipality: str, key: str, value: bytes | None) -> None:
        if self._producer is None:
            msg = "deadline-state store not started"
            raise TransientError(msg)
        try:
            await self._producer.send_and_wait(state_topic(municipality), value, key=key.encode())
        except KafkaError as exc:
            msg = f"deadline-state write: {type(exc).__name__}"
            raise TransientError(msg) from None

    async def close(self) -> None:
        """Stop the producer."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
