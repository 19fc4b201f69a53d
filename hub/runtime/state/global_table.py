"""A group's global table: the same key-value records on every instance (Kafka Streams' pattern).

A ``StateTable`` holds only the tasks an instance owns. Some facts are looked up from any
task (a measure decided in one case and started in another, whose partition another
instance may own): those go to the group's global table as well, which every instance
holds whole.

- one compacted topic per municipality, ``<group>.global.<kommunekode>``
  (``routing.topics.global_topic``), one partition, replicated as the hub's topics;
- ``start`` reads every topic from its beginning to the end offsets it saw then (the
  catch-up: ``caught_up`` is set), then a background task tails them, so a record another
  instance writes is seen here once the tail has read it (eventually consistent; a reader
  that must have it retries, as for a fact not yet read at all);
- ``put`` and ``delete`` change this instance's view at once and are sent behind it
  (write-behind, the latest change per key); ``flush`` waits until every change is
  acknowledged, and one that failed stays pending for the next flush;
- this instance's own changes lie over what the tail has read until the tail has read them
  back (by offset), so a reader here never sees an older value come back.

Nothing is kept on disk: a restarted instance reads the topics again. The records are
read whole into memory by every instance: keep them few and small.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from hub.runtime.errors import TransientError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state.changelog import KafkaChangelog, apply_record
from routing.topics import global_topic

__all__ = ["GlobalStore", "GlobalTable", "SharedTable"]

log = structlog.get_logger(__name__)

_TAIL_PAUSE_S = 1.0  # after a failed fetch, before the tail tries again
_FETCH_MS = 500


class SharedTable(Protocol):
    """What a global store needs of its table (``GlobalTable``; a fake in offline tests)."""

    def get(self, municipality: str, key: str) -> bytes | None:
        """The value of ``key`` as this instance sees it."""

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Set ``key`` here at once; on every instance after the flush and their tail."""

    def delete(self, municipality: str, key: str) -> None:
        """Remove ``key`` (a tombstone once flushed)."""

    async def flush(self) -> None:
        """Wait until every change so far is acknowledged.

        Raises:
            TransientError: a change was not taken; it stays pending.

        """


@dataclass
class _Own:
    """A change of this instance, laid over the log until the tail has read it back."""

    value: bytes | None
    offset: int | None = None  # where it was written; None until acknowledged


class _GlobalLog(KafkaChangelog):
    """The changelog's topic creation and producer, on the global topics (one partition)."""

    def topic(self, municipality: str) -> str:
        """The global topic of one municipality."""
        return global_topic(self._group, municipality)

    async def send(self, writes: list[tuple[str, str, bytes | None]]) -> list[int]:
        """Send ``(municipality, key, value)`` changes; the offset of each once acknowledged.

        Raises:
            TransientError: one was not acknowledged (the producer is started anew next time).

        """
        producer = await self._producer_started()
        try:
            sent = [
                await producer.send(self.topic(code), value, key=key.encode(), partition=0)
                for code, key, value in writes
            ]
            return [metadata.offset for metadata in await asyncio.gather(*sent)]
        except KafkaError as exc:
            # As the changelog's write: a failed idempotent batch may break the sequence.
            self._producer = None
            await producer.stop()
            msg = f"global table write: {type(exc).__name__}"
            raise TransientError(msg) from None


class GlobalTable:
    """One consumer group's global table, all of it, on this instance."""

    def __init__(  # noqa: PLR0913 - where, whose, and how the topics are made
        self,
        kafka: KafkaConnection,
        group: str,
        municipalities: Iterable[str],
        *,
        replication: int,
        max_record_bytes: int,
        client_id: str = "casehub-global",
    ) -> None:
        self.group = group
        self._kafka = kafka
        self._municipalities = tuple(municipalities)
        self._limit = max_record_bytes
        self._client_id = client_id
        self._log = _GlobalLog(
            kafka,
            group,
            self._municipalities,
            partitions=1,
            replication=replication,
            max_record_bytes=max_record_bytes,
            client_id=client_id,
        )
        self._read: dict[str, dict[str, bytes]] = {code: {} for code in self._municipalities}
        self._read_to: dict[str, int] = dict.fromkeys(self._municipalities, 0)
        self._own: dict[tuple[str, str], _Own] = {}
        self._pending: dict[tuple[str, str], bytes | None] = {}
        self._flushing = asyncio.Lock()
        self._consumer: AIOKafkaConsumer | None = None
        self._tail: asyncio.Task[None] | None = None
        self.caught_up = asyncio.Event()
        """Set once the topics were read to the ends seen at start: the table is ready."""

    def topic(self, municipality: str) -> str:
        """The global topic of one municipality."""
        return self._log.topic(municipality)

    @property
    def ready(self) -> bool:
        """Caught up, and its tail still reading."""
        return self.caught_up.is_set() and self._tail is not None and not self._tail.done()

    # reading and writing --------------------------------------------------------------

    def get(self, municipality: str, key: str) -> bytes | None:
        """The value of ``key``: this instance's own change, else what the tail has read."""
        own = self._own.get((municipality, key))
        if own is not None:
            return own.value
        return self._read.get(municipality, {}).get(key)

    def items(self, municipality: str) -> list[tuple[str, bytes]]:
        """Every key and value of one municipality as this instance sees it (own changes over).

        A scan of the whole table: for a command's rare sweep (rewrapping keys), not per record.
        """
        seen = dict(self._read.get(municipality, {}))
        for (code, key), own in self._own.items():
            if code != municipality:
                continue
            if own.value is None:
                seen.pop(key, None)
            else:
                seen[key] = own.value
        return sorted(seen.items())

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Set ``key`` here at once; durable after the next ``flush``."""
        self._change(municipality, key, value)

    def delete(self, municipality: str, key: str) -> None:
        """Remove ``key``; a tombstone after the next ``flush``."""
        self._change(municipality, key, None)

    def _change(self, municipality: str, key: str, value: bytes | None) -> None:
        if municipality not in self._read:
            msg = "the global table has no topic for this municipality"
            raise ValueError(msg)
        self._own[municipality, key] = _Own(value)
        self._pending[municipality, key] = value

    @property
    def unflushed(self) -> int:
        """How many changes wait to be acknowledged."""
        return len(self._pending)

    async def flush(self) -> None:
        """Send every pending change and wait until all are acknowledged.

        Raises:
            TransientError: the broker did not take them; they stay pending.

        """
        async with self._flushing:
            if not self._pending:
                return
            batch = list(self._pending.items())
            offsets = await self._log.send([(code, key, value) for (code, key), value in batch])
            for (entry, value), offset in zip(batch, offsets, strict=True):
                if entry in self._pending and self._pending[entry] is value:
                    del self._pending[entry]  # changed under way: the newer value goes next
                own = self._own.get(entry)
                if own is not None and own.value is value and own.offset is None:
                    own.offset = offset
                    self._settle(entry)

    def _settle(self, entry: tuple[str, str]) -> None:
        """Drop an own change the tail has read back (or read past): the log has it."""
        own = self._own.get(entry)
        if own is not None and own.offset is not None and self._read_to[entry[0]] > own.offset:
            del self._own[entry]

    # the topics -----------------------------------------------------------------------

    async def start(self) -> None:
        """Create the topics, read them to their ends, then tail them in the background.

        Raises:
            TransientError: the broker could not be reached, or a topic not read.

        """
        started = time.monotonic()
        await self._log.start()
        partitions = {TopicPartition(self.topic(code), 0): code for code in self._municipalities}
        consumer = AIOKafkaConsumer(
            **self._kafka.client_options(),
            client_id=f"{self._client_id}-tail",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=self._limit,
        )
        self._consumer = consumer
        try:
            await consumer.start()
            consumer.assign(list(partitions))
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(list(partitions))
            remaining = {tp for tp in partitions if ends.get(tp, 0) > 0}
            while remaining:
                self._apply(partitions, await consumer.getmany(*remaining, timeout_ms=_FETCH_MS))
                remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
        except KafkaError as exc:
            msg = f"global table catch-up: {type(exc).__name__}"
            raise TransientError(msg) from None
        self.caught_up.set()
        self._tail = asyncio.create_task(self._follow(consumer, partitions))
        log.info(
            "global_table_caught_up",
            group=self.group,
            entries=sum(len(table) for table in self._read.values()),
            seconds=round(time.monotonic() - started, 3),
        )

    async def _follow(
        self, consumer: AIOKafkaConsumer, partitions: Mapping[TopicPartition, str]
    ) -> None:
        while True:
            try:
                self._apply(partitions, await consumer.getmany(timeout_ms=_FETCH_MS))
            except KafkaError as exc:
                log.warning("global_table_tail_failed", group=self.group, error=type(exc).__name__)
                await asyncio.sleep(_TAIL_PAUSE_S)

    def _apply(
        self,
        partitions: Mapping[TopicPartition, str],
        batch: Mapping[TopicPartition, list[ConsumerRecord]],
    ) -> None:
        for tp, records in batch.items():
            code = partitions[tp]
            table = self._read[code]
            for record in records:
                self._read_to[code] = max(self._read_to[code], record.offset + 1)
                key = apply_record(table, record)
                if key is not None:
                    self._settle((code, key))

    async def close(self) -> None:
        """Stop the tail, the reader and the producer (pending changes are not sent)."""
        if self._tail is not None:
            self._tail.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tail
            self._tail = None
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            await consumer.stop()
        if self._pending:
            # Their records were not committed either (the engine flushes before it
            # returns), so they come again and are written then.
            log.warning("global_table_not_flushed", group=self.group, changes=len(self._pending))
        await self._log.close()
        self.caught_up.clear()

    def __repr__(self) -> str:
        return f"GlobalTable({self.group!r}, municipalities={len(self._municipalities)})"


class GlobalStore:
    """A component's named part of its group's global table (keys ``<name>/<key>``)."""

    def __init__(self, table: SharedTable, name: str) -> None:
        if "/" in name:
            msg = "a store's name has no '/'"
            raise ValueError(msg)
        self._table = table
        self._prefix = f"{name}/"

    def get(self, municipality: str, key: str) -> bytes | None:
        """The value of ``key`` as this instance has read it (or written it)."""
        return self._table.get(municipality, self._prefix + key)

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Set ``key``; durable after ``flush``, seen by the other instances after that."""
        self._table.put(municipality, self._prefix + key, value)

    def delete(self, municipality: str, key: str) -> None:
        """Remove ``key``."""
        self._table.delete(municipality, self._prefix + key)

    async def flush(self) -> None:
        """Wait until every change so far is durable.

        Raises:
            TransientError: a change was not acknowledged; it stays pending.

        """
        await self._table.flush()

    def __repr__(self) -> str:
        return f"GlobalStore({self._prefix[:-1]!r})"
