"""Publishing a canonical event: the binding's record on its topic, acknowledged by all replicas."""

from __future__ import annotations

from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from contracts.base import Contract
from contracts.binding import to_kafka
from contracts.envelope import Event
from hub.errors import TransientError
from routing.topics import topic_for

__all__ = ["EventPublisher"]


class EventPublisher:
    """Puts events on their topic, keyed by case id; returns once the broker has them."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, event: Event[Contract]) -> str:
        """Publish and wait for the acknowledgement (acks=all); return the topic.

        Raises ``TransientError`` when the broker does not acknowledge.
        """
        record = to_kafka(event)
        destination = topic_for(event)
        try:
            await self._broker.publish(
                record.value,
                destination,
                key=record.key,
                headers=record.text_headers(),
                correlation_id=event.envelope.correlationid,
            )
        except KafkaError as exc:  # aiokafka's errors stop here: the seam translates them
            msg = f"publish to {destination} failed: {type(exc).__name__}"
            raise TransientError(msg) from None
        return destination
