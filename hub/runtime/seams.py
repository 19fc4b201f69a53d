"""The seams between the hub runtime and its components, each a Protocol with one home.

- ``Publish``: hands an event to the broker and returns its topic once acknowledged;
- ``Handler``: what a component does with one event routed to it;
- ``KafkaConsumer``: the part of the Kafka consumer the delivery policy drives;
- ``StateStore``: a durable table a component keeps, one per municipality.

The component itself (``Component``, ``ComponentSpec``) is in ``hub.runtime.component``.
"""

from __future__ import annotations

from typing import Protocol

from aiokafka import TopicPartition

from contracts.base import Contract
from contracts.envelope import Event

__all__ = ["Handler", "KafkaConsumer", "Publish", "StateStore"]


class Publish(Protocol):
    """Publish one event; returns its topic once the broker has acknowledged it.

    Raises:
        TransientError: the broker did not take it; the caller's record is tried again.

    """

    async def __call__(self, event: Event[Contract], /) -> str:
        """Publish ``event``; its topic."""
        ...


class Handler(Protocol):
    """Handle one event of a type the component consumes (the runtime routes nothing else).

    Raises:
        TransientError: try the record again later.
        PermanentError: quarantine the record.

    """

    async def __call__(self, event: Event[Contract], /) -> None:
        """Handle ``event``."""
        ...


class KafkaConsumer(Protocol):
    """What the delivery policy needs of a consumer (aiokafka's ``AIOKafkaConsumer`` fits)."""

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Fetch ``partition`` from ``offset`` next."""

    async def committed(self, partition: TopicPartition) -> int | None:
        """The group's committed offset of ``partition``."""

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        """Commit these offsets for the group."""

    def assignment(self) -> set[TopicPartition]:
        """The partitions this consumer holds now."""

    def pause(self, *partitions: TopicPartition) -> None:
        """Stop fetching these partitions."""

    def resume(self, *partitions: TopicPartition) -> None:
        """Fetch these partitions again."""

    def paused(self) -> set[TopicPartition]:
        """The partitions paused now."""


class StateStore(Protocol):
    """A durable table of the engine's records, one per municipality."""

    async def start(self) -> None:
        """Connect (and create what is missing)."""

    async def load(self) -> list[tuple[str, str, bytes]]:
        """Every record's latest value, as (municipality, key, value).

        Raises:
            TransientError: the store could not be read to its end; try again.

        """

    async def write(self, municipality: str, key: str, value: bytes) -> None:
        """Store one record durably before returning.

        Raises:
            TransientError: the store did not take it; try again.

        """

    async def delete(self, municipality: str, key: str) -> None:
        """Remove one record durably before returning (a tombstone on a compacted topic).

        Raises:
            TransientError: the store did not take it; try again.

        """

    async def close(self) -> None:
        """Release the connection."""
