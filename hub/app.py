"""The composition root: the only code that builds the broker and wires the components.

Run it with ``casehub run`` (or ``uvicorn --factory hub.app:create_app``). The returned
ASGI app serves the e-form intake; its lifespan creates the topics, starts the broker
and its subscribers, and stops them again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from faststream.kafka import KafkaBroker
from faststream.middlewares import AckPolicy
from starlette.applications import Starlette
from starlette.routing import Mount

from adapters.eform import build_intake
from hub import triage
from hub.codec import tolerant_parser
from hub.logs import configure_logging
from hub.middlewares import quarantine_middleware
from hub.provision import ensure_topics, hub_topics
from hub.publisher import EventPublisher
from hub.quarantine import Quarantine
from hub.settings import Settings

__all__ = ["build_broker", "create_app"]


def build_broker(settings: Settings) -> KafkaBroker:
    """The hub's broker: every subscriber quarantines, nothing is committed before it is done."""
    quarantine = Quarantine()
    broker = KafkaBroker(
        settings.bootstrap_servers,
        client_id=settings.client_id,
        acks="all",
        enable_idempotence=True,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=tolerant_parser,
        middlewares=(
            quarantine_middleware(quarantine, transient_pause_s=settings.transient_pause_s),
        ),
        logger=logging.getLogger("casehub.bus"),
    )
    quarantine.bind(broker)
    return broker


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the hub from its settings: broker, components, HTTP intake."""
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    broker = build_broker(settings)
    events = EventPublisher(broker)
    broker.include_router(
        triage.build_router(
            events.publish,
            municipalities=settings.municipalities,
            group_prefix=settings.group_prefix,
            source=f"{settings.source}:triage",
        )
    )
    intake = build_intake(
        events.publish, source=f"{settings.source}:eform", max_bytes=settings.max_submission_bytes
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await ensure_topics(
            settings.bootstrap_servers,
            hub_topics(settings.municipalities),
            partitions=settings.topic_partitions,
            replication=settings.topic_replication,
        )
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()

    app = Starlette(routes=[Mount("/", app=intake)], lifespan=lifespan)
    app.state.broker = broker
    app.state.settings = settings
    return app
