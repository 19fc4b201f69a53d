"""The composition root: the only code that builds the broker and wires the components.

Run it with ``casehub run`` (or ``uvicorn --factory hub.app:create_app``). The returned
ASGI app serves the e-form intake; its lifespan creates the topics, starts the broker,
its subscribers and their retriers, and stops them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.middlewares import AckPolicy
from starlette.applications import Starlette
from starlette.routing import Mount

from adapters.eform import ReceivedWindow, build_intake
from contracts.base import Contract
from contracts.envelope import Event
from hub import triage
from hub.adapters import adapter_components
from hub.codec import raw_body, tolerant_parser
from hub.component import Component
from hub.deadlines.wiring import build_deadlines
from hub.delivery import Backoff, CircuitBreaker, Delivery, DeliveryStore, subscribe
from hub.logs import configure_logging
from hub.provision import ensure_topics, hub_topics
from hub.publisher import EventPublisher
from hub.quarantine import Quarantine
from hub.settings import Settings
from hub.statefile import state_dir_lock
from routing.routes import Routes

__all__ = ["Component", "build_broker", "create_app"]

Publish = Callable[[Event[Contract]], Awaitable[str]]  # Component re-exported for embedders


def producer_options(settings: Settings) -> dict[str, Any]:
    """How the hub produces: idempotent, acknowledged by all in-sync replicas."""
    return {
        "bootstrap_servers": settings.bootstrap_servers,
        "client_id": settings.client_id,
        "acks": "all",
        "enable_idempotence": True,
        # The idempotent producer keeps one request in flight per partition: records that
        # arrive while it is out are batched, and a short linger fills the batches.
        "linger_ms": settings.producer_linger_ms,
    }


def build_broker(settings: Settings) -> KafkaBroker:
    """The hub's broker: its producer as ``producer_options``, nothing auto-committed."""
    options = producer_options(settings)
    return KafkaBroker(
        options.pop("bootstrap_servers"),
        **options,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=tolerant_parser,
        decoder=raw_body,
        logger=logging.getLogger("casehub.bus"),
    )


def create_app(settings: Settings | None = None, *, extra: Sequence[Component] = ()) -> Starlette:
    """Build the hub from its settings: broker, components, HTTP intake.

    ``extra`` adds components beside the built-in ones (tests and embedders use it).
    """
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    broker = build_broker(settings)
    quarantine = Quarantine()
    quarantine.bind(broker)
    events = EventPublisher(producer_options(settings))
    store = DeliveryStore(settings.state_dir / "delivery.sqlite3")
    routes = Routes(settings.routes, settings.municipalities)
    components = [
        Component(
            triage.NAME, triage.build_triage(events.publish, source=f"{settings.source}:triage")
        ),
        *adapter_components(settings, events.publish),
        *_deadlines(settings, events.publish),
        *extra,
    ]
    _require_unique_names(components)
    deliveries = []
    router = KafkaRouter()
    for component in components:
        delivery = _delivery(settings, component, store, quarantine, routes)
        topics = routes.topics(component.name)
        if topics:
            subscribe(router, delivery, topics, pause_s=settings.transient_pause_s)
            deliveries.append(delivery)
    broker.include_router(router)
    intake = build_intake(
        events.publish,
        source=f"{settings.source}:eform",
        max_bytes=settings.max_submission_bytes,
        municipalities=settings.municipalities,
        publish_timeout_s=settings.intake_publish_timeout_s,
        received_window=ReceivedWindow(
            max_age=dt.timedelta(days=settings.intake_received_max_age_days),
            max_ahead=dt.timedelta(seconds=settings.intake_received_max_ahead_s),
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Stopped in reverse order, also when a start fails half-way.
        async with contextlib.AsyncExitStack() as stack:
            stack.callback(store.close)
            for component in components:
                if component.close is not None:
                    stack.push_async_callback(component.close)
            # Held until everything that writes state has stopped (exits run in reverse).
            stack.enter_context(state_dir_lock(settings.state_dir))
            await ensure_topics(
                settings.bootstrap_servers,
                hub_topics(settings.municipalities),
                partitions=settings.topic_partitions,
                replication=settings.topic_replication,
            )
            stack.push_async_callback(events.stop)  # also after a start that failed half-way
            await events.start()
            await broker.start()
            stack.push_async_callback(broker.stop)
            tasks = [asyncio.create_task(d.run_retrier()) for d in deliveries]
            tasks += [asyncio.create_task(c.background()) for c in components if c.background]
            stack.push_async_callback(_finish, tasks, deliveries)
            yield

    app = Starlette(routes=[Mount("/", app=intake)], lifespan=lifespan)
    app.state.broker = broker
    app.state.events = events
    app.state.settings = settings
    app.state.store = store
    return app


async def _finish(tasks: list[asyncio.Task[None]], deliveries: list[Delivery]) -> None:
    """Stop the background tasks, then commit what the deliveries have done."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    for delivery in deliveries:
        await delivery.commit()


def _require_unique_names(components: Sequence[Component]) -> None:
    """Refuse two components with one name: they would share a consumer group and its state.

    Each would get part of the partitions and act on the other's state (two deadline
    engines both firing), so this is a configuration error, not something to run with.
    """
    names = [c.name for c in components]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        msg = (
            f"components named {', '.join(twice)} more than once; an extra component that "
            "replaces a built-in one needs the built-in one switched off in the settings"
        )
        raise ValueError(msg)


def _deadlines(settings: Settings, publish: Publish) -> list[Component]:
    if not settings.deadlines:
        return []
    return [
        build_deadlines(
            settings,
            publish,
            tick_s=settings.deadline_tick_s,
            grace=dt.timedelta(seconds=settings.deadline_grace_s),
        )
    ]


def _delivery(
    settings: Settings,
    component: Component,
    store: DeliveryStore,
    quarantine: Quarantine,
    routes: Routes,
) -> Delivery:
    def accepts(event: Event[Contract]) -> bool:
        return routes.accepts(component.name, event.envelope.type, event.envelope.municipality)

    return Delivery(
        group=f"{settings.group_prefix}.{component.name}",
        handler=component.handler,
        store=store,
        quarantine=quarantine,
        backoff=Backoff(
            base_s=settings.retry_base_s,
            max_s=settings.retry_max_s,
            max_attempts=settings.retry_attempts,
        ),
        breaker=CircuitBreaker(
            open_after_s=settings.breaker_open_after_s,
            cooldown_s=settings.breaker_cooldown_s,
            max_cooldown_s=settings.breaker_max_cooldown_s,
        ),
        accepts=accepts,
    )
