"""Puts a ``Delivery`` on the bus: one subscriber per consumer group, at-least-once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from aiokafka import ConsumerRebalanceListener
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from hub.runtime.delivery.policy import Delivery

__all__ = ["subscribe"]

log = structlog.get_logger(__name__)


def subscribe(  # noqa: PLR0913 - the fetch sizes are the topics' limits
    router: KafkaRouter,
    delivery: Delivery,
    topics: Sequence[str],
    *,
    pause_s: float,
    max_records: int = 500,
    fetch_bytes: int = 1_048_588,
    listener: ConsumerRebalanceListener | None = None,
) -> None:
    """Subscribe ``delivery`` to ``topics`` in its own consumer group.

    Acknowledgement is manual: ``Delivery`` commits offsets itself, in batches, once the
    outcomes are durable. When the hub cannot record an outcome (the broker refuses the
    quarantine record, the store fails), the consumer is rewound to the record, which
    comes again after ``pause_s``. A record too large for a whole quarantine copy is not
    one of these: it gets a bounded copy (``hub.runtime.quarantine``).

    ``fetch_bytes`` is the topics' record limit: a fetch per partition asks for that much,
    so a record at the limit comes in one fetch (the broker sends a larger first record
    whole in any case).

    The range assignor gives one member the same partition numbers of every topic, so a
    case's records on all its domain topics go to one instance, as its state does
    (``hub.runtime.state.task``); ``listener`` restores and hands over that state.
    """

    async def deliver(message: KafkaMessage) -> None:
        try:
            await delivery.on_batch(message)
        except Exception as exc:  # noqa: BLE001 - on_batch rewound: the records come again
            log.warning("outcome_not_recorded", group=delivery.group, error=type(exc).__name__)
            await asyncio.sleep(pause_s)

    deliver.__name__ = f"deliver_{delivery.group}".replace(".", "_").replace("-", "_")
    router.subscriber(
        *topics,
        group_id=delivery.group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        # A batch per fetch: FastStream's per-message machinery runs once per batch.
        batch=True,
        max_records=max_records,
        max_partition_fetch_bytes=fetch_bytes,
        fetch_max_bytes=max(50 * 1024 * 1024, fetch_bytes),
        partition_assignment_strategy=(RangePartitionAssignor,),
        listener=listener,
    )(deliver)
