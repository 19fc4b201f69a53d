"""Triage: a received notification needs the register's view of the child (or the mother).

The first hop after intake. It answers ``NotificationReceived`` with a
``PersonLookupRequested`` for the person the case is registered on; the CPR adapter
answers that. The follow-up's id derives from the notification's, so a redelivered
notification yields the same request, which consumers recognise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import structlog
from faststream.kafka import KafkaRouter
from faststream.middlewares import AckPolicy

from contracts.base import Contract
from contracts.envelope import Event, follow_up
from contracts.intake import NotificationReceived
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.codec import decode_event
from routing.topics import domain_topics

__all__ = ["GROUP", "build_router"]

GROUP = "triage"
log = structlog.get_logger(__name__)

Publish = Callable[[Event[Contract]], Awaitable[str]]


def build_router(
    publish: Publish, *, municipalities: Iterable[str], group_prefix: str, source: str
) -> KafkaRouter:
    """One subscriber on the intake topics of every municipality served."""
    router = KafkaRouter(ack_policy=AckPolicy.NACK_ON_ERROR)

    @router.subscriber(
        *domain_topics("intake", municipalities),
        group_id=f"{group_prefix}.{GROUP}",
        decoder=decode_event,
        auto_offset_reset="earliest",
    )
    async def triage(event: Event[Contract]) -> None:
        if not isinstance(event.data, NotificationReceived):
            return  # other intake events are not triage's business
        request = PersonLookupRequested(
            cpr=event.data.registered_cpr, purpose=LookupPurpose.NOTIFICATION
        )
        follow = follow_up(event, request, source=source)
        topic = await publish(follow)
        log.info(
            "notification_triaged",
            event_id=event.envelope.id,
            case_id=event.envelope.caseid,
            follow_up_id=follow.envelope.id,
            topic=topic,
        )

    return router
