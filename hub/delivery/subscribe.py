"""Puts a ``Delivery`` on the bus: one subscriber per consumer group, at-least-once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from hub.delivery.policy import Delivery

__all__ = ["subscribe"]

log = structlog.get_logger(__name__)


def subscribe(
    router: KafkaRouter, delivery: Delivery, topics: Sequence[str], *, pause_s: float
) -> None:
    """Subscribe ``delivery`` to ``topics`` in its own consumer group.

    The offset is committed when ``on_message`` returns; when the hub itself cannot
    record an outcome (the broker refuses the quarantine record, the store fails), the
    record is not committed and comes again after ``pause_s``.
    """

    async def deliver(message: KafkaMessage) -> None:
        try:
            await delivery.on_message(message)
        except NackMessage:
            raise
        except Exception as exc:
            log.warning("outcome_not_recorded", group=delivery.group, error=type(exc).__name__)
            await asyncio.sleep(pause_s)
            raise

    deliver.__name__ = f"deliver_{delivery.group}".replace(".", "_").replace("-", "_")
    router.subscriber(
        *topics,
        group_id=delivery.group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
    )(deliver)
