"""Publishing a canonical event: the binding's record on its topic, acknowledged by all replicas.

The publisher drives its own aiokafka producer (idempotent, ``acks=all``): the record goes
out with exactly the binding's headers, and without FastStream's per-message command
building, which cost as much as the send itself on the hub's hot path (see the benchmark).

Records are appended to one open batch per partition (the key picks it, with aiokafka's
default partitioner, as ``send`` would) and the open batches are handed to the producer on
the event loop's next turn, or at once when one is full: a consumer's delivery handles a
whole fetched batch without yielding, so its follow-ups go out as a few batches instead
of one future and one partitioner call per record (the raw forwarder measures what that
is worth). Records of one partition keep their publish order.

Inside ``confirm_later(pending)`` (what a consumer's delivery sets around its handler),
``publish`` returns once the record is in its batch and puts the batch's acknowledgement
in ``pending``; the delivery awaits them all before it commits the consumed offsets.
Elsewhere (the HTTP intake, retries) and inside ``confirm_now()`` (an audit record, written
before the action it records) it waits for the acknowledgement.

A failed batch leaves the idempotent producer's sequence for its partition broken: aiokafka
numbers a batch when it leaves the accumulator, also one it then fails unsent (it fails a
batch whose partition has had no leader for ``request_timeout_ms``, as while the broker
restarts), and never repairs the gap, so every later batch there is refused with
``OutOfOrderSequenceNumber``. So after any failed batch the next ``publish`` replaces the
producer (a new producer id starts every partition's sequence afresh) and the old one is
stopped beside it; the records that failed had their ``TransientError`` and are retried.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError, MessageSizeTooLargeError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from opentelemetry.trace import SpanKind

from contracts.base import Contract
from contracts.binding import KafkaRecord, to_kafka
from contracts.envelope import Event
from hub.runtime.errors import TransientError
from hub.runtime.metrics.registry import HubMetrics
from hub.runtime.tracing import Tracing, injected
from routing.topics import topic_for

__all__ = ["EventPublisher", "Seal", "confirm_later", "confirm_now"]

log = structlog.get_logger(__name__)

Seal = Callable[[Event[Contract], KafkaRecord], Awaitable[KafkaRecord]]
"""What turns an event's plain record into the one sent (``FieldCrypto.seal``)."""

_pending: ContextVar[list[asyncio.Future[Any]] | None] = ContextVar("pending", default=None)


@contextmanager
def confirm_later(pending: list[asyncio.Future[Any]]) -> Iterator[None]:
    """Within the block, publishes collect their acknowledgements in ``pending``."""
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)


@contextmanager
def confirm_now() -> Iterator[None]:
    """Within the block, each publish waits for its acknowledgement (also in a delivery).

    For a record that must be on the broker before the caller goes on: an audit record
    is written before the action it records (``hub.runtime.audit``).
    """
    token = _pending.set(None)
    try:
        yield
    finally:
        _pending.reset(token)


class _Open:
    """A partition's batch being filled, and the future of its acknowledgement."""

    __slots__ = ("acknowledged", "builder", "waiting")

    def __init__(self, builder: Any) -> None:  # noqa: ANN401 - aiokafka's BatchBuilder
        self.builder = builder
        self.acknowledged: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting: list[list[asyncio.Future[Any]]] = []  # pending lists that await it


class EventPublisher:
    """Puts events on their topic, keyed by case id; started and stopped with the hub."""

    def __init__(
        self,
        producer_options: Mapping[str, Any],
        *,
        new_producer: Callable[..., Any] = AIOKafkaProducer,
        metrics: HubMetrics | None = None,
        tracing: Tracing | None = None,
        seal: Seal | None = None,
    ) -> None:
        self._options = dict(producer_options)
        # Field encryption (hub.runtime.crypto): classified fields sealed before the send.
        self._seal = seal
        self._metrics = metrics or HubMetrics()
        self._tracing = tracing or Tracing()
        # How a producer is made (at start and at each renewal); tests hand in their own.
        self._new_producer = new_producer
        if "partitioner" in self._options:
            msg = "the publisher partitions with aiokafka's default partitioner"
            raise ValueError(msg)
        self._producer: AIOKafkaProducer | None = None
        self._max_request_size = int(self._options.get("max_request_size", 1_048_576))
        self._partitioner = DefaultPartitioner()
        self._open: dict[TopicPartition, _Open] = {}
        self._sending: asyncio.Task[None] | None = None
        self._broken: str | None = None  # a batch failed: the error's name (see the module doc)
        self._renewing = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()  # replaced producers, stopping

    async def start(self) -> None:
        """Connect the producer (before any subscriber can hand it a follow-up).

        It is made here, not in ``__init__``: aiokafka binds a producer to the running loop.
        """
        self._producer = self._new_producer(**self._options)
        await self._producer.start()

    async def stop(self) -> None:
        """Send what is buffered and disconnect (after the last commit)."""
        if self._producer is not None:
            if self._sending is not None:
                await self._sending
            await self._send_open()
            await self._producer.stop()
            self._producer = None
        for task in list(self._retiring):
            await task

    async def publish(self, event: Event[Contract]) -> str:
        """Publish; return the topic once the broker acknowledged (or will, see above).

        Raises ``TransientError`` when the broker does not take the record.
        """
        if self._producer is None:
            msg = "the publisher is not started"
            raise RuntimeError(msg)
        destination = topic_for(event)
        with self._tracing.span(
            f"publish {destination}",
            SpanKind.PRODUCER,
            **{"messaging.destination.name": destination},
        ):
            return await self._publish(event, destination)

    async def _publish(self, event: Event[Contract], destination: str) -> str:
        record = to_kafka(event)
        if self._seal is not None:
            record = await self._seal(event, record)
        trace = injected()  # the publish span's context, or the one the record passes on
        if trace:
            record = dataclasses.replace(record, headers=record.headers + trace)
        pending = _pending.get()
        try:
            producer = await self._sound_producer()
            partitions = list(await producer.partitions_for(destination))
            partition = self._partitioner(record.key, partitions, partitions)
            batch = await self._append(producer, TopicPartition(destination, partition), record)
            if pending is None:
                await batch.acknowledged
            elif not batch.waiting or batch.waiting[-1] is not pending:
                batch.waiting.append(pending)
                pending.append(batch.acknowledged)
        except KafkaError as exc:  # aiokafka's errors stop here: the seam translates them
            msg = f"publish to {destination} failed: {type(exc).__name__}"
            raise TransientError(msg) from None
        self._metrics.count_published(event.envelope.type, event.envelope.municipality)
        return destination

    async def _sound_producer(self) -> AIOKafkaProducer:
        """The producer, replaced first if a batch of it failed (see the module doc)."""
        if self._broken is None and self._producer is not None:
            return self._producer
        async with self._renewing:
            old = self._producer
            if old is None:
                msg = "the publisher is not started"
                raise RuntimeError(msg)
            if self._broken is None:
                return old  # another publish renewed it meanwhile
            fresh = self._new_producer(**self._options)
            try:
                await fresh.start()
            except BaseException:
                await fresh.stop()  # not started: nothing to flush, its connections closed
                raise
            log.warning("producer_renewed", after=self._broken)
            self._producer, self._broken = fresh, None
            # The old one delivers what it still holds (other partitions' batches) and closes.
            retiring = asyncio.get_running_loop().create_task(old.stop())
            self._retiring.add(retiring)
            retiring.add_done_callback(self._retiring.discard)
            return fresh

    async def _append(self, producer: AIOKafkaProducer, tp: TopicPartition, record: Any) -> _Open:  # noqa: ANN401 - a KafkaRecord
        """Put the record in its partition's open batch (a full one is sent first)."""
        headers = list(record.headers)
        # The check send() makes: a record the broker would refuse fails here, on its own
        # (a transient error with its retries, as before), not its whole batch later.
        size = DefaultRecordBatchBuilder.estimate_size_in_bytes(record.key, record.value, headers)
        if size > self._max_request_size:
            msg = f"the record is {size} bytes, above max_request_size"
            raise MessageSizeTooLargeError(msg)
        while True:
            batch = self._open.get(tp)
            fresh = batch is None
            if batch is None:
                batch = self._open[tp] = _Open(producer.create_batch())
                if self._sending is None or self._sending.done():
                    # The next turn of the loop: after the caller's run of records.
                    self._sending = asyncio.get_running_loop().create_task(self._send_open())
            appended = batch.builder.append(
                key=record.key, value=record.value, timestamp=None, headers=headers
            )
            if appended is not None:
                return batch
            if fresh:  # an empty batch takes any record; this is a bug, not an outage
                msg = "an empty batch refused a record"
                raise RuntimeError(msg)
            # Full: it leaves the open batches (nothing else joins it) and goes now; the
            # record then goes into the partition's next open batch.
            del self._open[tp]
            await self._send(producer, tp, batch)

    async def _send_open(self) -> None:
        """Hand every open batch to the producer (the current one: it may be replaced)."""
        while self._open and (producer := self._producer) is not None:
            tp, batch = next(iter(self._open.items()))
            del self._open[tp]
            await self._send(producer, tp, batch)

    async def _send(self, producer: AIOKafkaProducer, tp: TopicPartition, batch: _Open) -> None:
        """Send one batch; its acknowledgement (or error) goes to ``batch.acknowledged``."""
        batch.builder.close()
        try:
            sent = await producer.send_batch(batch.builder, tp.topic, partition=tp.partition)
        except Exception as exc:  # noqa: BLE001 - the waiters must hear of it, not hang
            batch.acknowledged.set_exception(exc)
            return

        def settle(done: asyncio.Future[Any]) -> None:
            if batch.acknowledged.done():
                return
            if done.cancelled():
                batch.acknowledged.cancel()
            elif (error := done.exception()) is not None:
                if self._producer is producer:  # a replaced producer's failure is past
                    self._broken = type(error).__name__
                batch.acknowledged.set_exception(error)
            else:
                batch.acknowledged.set_result(None)

        sent.add_done_callback(settle)
