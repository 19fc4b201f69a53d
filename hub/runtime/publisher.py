"""Publishing a canonical event: the binding's record on its topic, acknowledged by all replicas.

The publisher drives its own aiokafka producer (idempotent, ``acks=all``): the record goes
out with exactly the binding's headers, and without FastStream's per-message command
building, which cost as much as the send itself on the hub's hot path (see the benchmark).

Inside ``confirm_later(pending)`` (what a consumer's delivery sets around its handler),
``publish`` returns once the record is handed to the producer and puts the broker's
acknowledgement in ``pending``; the delivery awaits them all before it commits the
consumed offsets. Elsewhere (the HTTP intake, retries) it waits for the acknowledgement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from contracts.base import Contract
from contracts.binding import to_kafka
from contracts.envelope import Event
from hub.runtime.errors import TransientError
from routing.topics import topic_for

__all__ = ["EventPublisher", "confirm_later"]

_pending: ContextVar[list[asyncio.Future[Any]] | None] = ContextVar("pending", default=None)


@contextmanager
def confirm_later(pending: list[asyncio.Future[Any]]) -> Iterator[None]:
    """Within the block, publishes collect their acknowledgements in ``pending``."""
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)


class EventPublisher:
    """Puts events on their topic, keyed by case id; started and stopped with the hub."""

    def __init__(self, producer_options: Mapping[str, Any]) -> None:
        self._options = dict(producer_options)
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect the producer (before any subscriber can hand it a follow-up).

        It is made here, not in ``__init__``: aiokafka binds a producer to the running loop.
        """
        self._producer = AIOKafkaProducer(**self._options)
        await self._producer.start()

    async def stop(self) -> None:
        """Send what is buffered and disconnect (after the last commit)."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, event: Event[Contract]) -> str:
        """Publish; return the topic once the broker acknowledged (or will, see above).

        Raises ``TransientError`` when the broker does not take the record.
        """
        if self._producer is None:
            msg = "the publisher is not started"
            raise RuntimeError(msg)
        record = to_kafka(event)
        destination = topic_for(event)
        pending = _pending.get()
        try:
            sent = await self._producer.send(
                destination, record.value, key=record.key, headers=list(record.headers)
            )
            if pending is None:
                await sent
        except KafkaError as exc:  # aiokafka's errors stop here: the seam translates them
            msg = f"publish to {destination} failed: {type(exc).__name__}"
            raise TransientError(msg) from None
        if pending is not None:
            pending.append(sent)
        return destination
