"""Publishing a canonical event: the binding's record on its topic, acknowledged by all replicas.

Inside ``confirm_later(pending)`` (what a consumer's delivery sets around its handler),
``publish`` returns once the record is handed to the producer and puts the broker's
acknowledgement in ``pending``; the delivery awaits them all before it commits the
consumed offsets. Elsewhere (the HTTP intake, retries) it waits for the acknowledgement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from contracts.base import Contract
from contracts.binding import to_kafka
from contracts.envelope import Event
from hub.errors import TransientError
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
    """Puts events on their topic, keyed by case id."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, event: Event[Contract]) -> str:
        """Publish; return the topic once the broker acknowledged (or will, see above).

        Raises ``TransientError`` when the broker does not take the record.
        """
        record = to_kafka(event)
        destination = topic_for(event)
        pending = _pending.get()
        try:
            sent = await self._broker.publish(
                record.value,
                destination,
                key=record.key,
                headers=record.text_headers(),
                correlation_id=event.envelope.correlationid,
                no_confirm=pending is not None,
            )
        except KafkaError as exc:  # aiokafka's errors stop here: the seam translates them
            msg = f"publish to {destination} failed: {type(exc).__name__}"
            raise TransientError(msg) from None
        if pending is not None:
            pending.append(sent)
        return destination
