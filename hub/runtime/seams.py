"""The seams between the hub runtime and its components, each a Protocol with one home.

- ``Publish``: hands an event to the broker and returns its topic once acknowledged;
- ``Handler``: what a component does with one event routed to it;
- ``KafkaConsumer``: the part of the Kafka consumer the delivery policy drives;

The component itself (``Component``, ``ComponentSpec``) is in ``hub.runtime.component``; the
state a component keeps (``Store``) in ``hub.runtime.state``.
"""

from __future__ import annotations

from typing import Protocol

from aiokafka import TopicPartition

from contracts.base import Contract
from contracts.envelope import Event

__all__ = ["Handler", "KafkaConsumer", "Publish"]


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
