"""The composition root: the only code that builds the broker and wires the components.

Run it with ``casehub run`` (or ``uvicorn --factory hub.compose.app:create_app``). The returned
ASGI app serves the e-form intake and every other component's routes, to signed callers only
(hub/runtime/callers/); its lifespan creates the topics, starts the broker, its subscribers
and their retriers, and stops them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.middlewares import AckPolicy
from opentelemetry.trace import TracerProvider
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Router

from adapters.registry import COMPONENTS
from contracts.base import Contract
from contracts.documents import MAX_DOCUMENT_BYTES
from contracts.envelope import Event
from hub.compose.settings import CoreSettings, Settings
from hub.runtime.callers import Caller, SignedCallers, load_callers
from hub.runtime.codec import decode_record, raw_body, tolerant_parser
from hub.runtime.component import BuildContext, Component, ComponentSpec
from hub.runtime.crypto import KEY_TABLE, DataKeys, FieldCrypto, KeyDirectory
from hub.runtime.delivery import (
    Backoff,
    CircuitBreaker,
    Delivery,
    DeliveryStore,
    DeliveryStores,
    StateRebalance,
    subscribe,
)
from hub.runtime.delivery.policy import Decode
from hub.runtime.health import health_routes
from hub.runtime.logs import configure_logging
from hub.runtime.metrics import FlowMetrics, HubMetrics, metrics_route
from hub.runtime.provision import ensure_topics, hub_topics
from hub.runtime.publisher import EventPublisher
from hub.runtime.quarantine import Quarantine, quarantine_limit
from hub.runtime.seams import Handler, Publish
from hub.runtime.state import GlobalTable, KafkaChangelog, StateTable
from hub.runtime.tasks import watched
from hub.runtime.tracing import Tracing, tracing_for
from hub.web.dashboard import HubView, dashboard_app
from hub.web.login import login_from_settings
from hub.web.viewer import Login
from routing.routes import Routes, check_routes

__all__ = ["Component", "build_broker", "build_context", "built_components", "create_app"]

_RECANCEL_S = 0.5  # how long a cancelled background task has to end before it is cancelled again


def producer_options(settings: CoreSettings) -> dict[str, Any]:
    """How the hub produces: idempotent, acknowledged by all in-sync replicas."""
    return {**settings.kafka.client_options(), **_producing(settings)}


def _producing(settings: CoreSettings) -> dict[str, Any]:
    return {
        "client_id": settings.client_id,
        "acks": "all",
        "enable_idempotence": True,
        # The idempotent producer keeps one request in flight per partition: records that
        # arrive while it is out are batched, and a short linger fills the batches.
        "linger_ms": settings.producer_linger_ms,
        # Refused here, not by the broker: a refusal there breaks the idempotent
        # producer's sequence for the partition (see hub/runtime/quarantine.py).
        "max_request_size": settings.max_record_bytes,
    }


def build_broker(settings: CoreSettings) -> KafkaBroker:
    """The hub's broker: its producer as ``producer_options``, nothing auto-committed."""
    options = _producing(settings)
    # This producer writes the quarantine copies: up to the quarantine topics' limit.
    options["max_request_size"] = quarantine_limit(settings.max_record_bytes)
    return KafkaBroker(
        settings.kafka.bootstrap_servers,
        **options,
        # FastStream takes the same security as an object (hub/runtime/kafka_access.py).
        security=settings.kafka.faststream_security(),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=tolerant_parser,
        decoder=raw_body,
        logger=logging.getLogger("casehub.bus"),
    )


def create_app(
    settings: CoreSettings | None = None,
    *,
    extra: Sequence[Component] = (),
    components: Sequence[ComponentSpec[Any]] = COMPONENTS,
    tracer: TracerProvider | None = None,
    login: Login | None = None,
) -> Starlette:
    """Build the hub from its settings: broker, components, HTTP intake.

    Every component of ``components`` (the registry) whose settings are given is built.
    ``extra`` adds running components beside them (tests and embedders use it); one named
    like a registered component takes that component's routes and consumes. ``tracer``
    records the spans (a test's in-memory exporter); else ``otlp_endpoint`` says.
    ``login`` guards the operations dashboard, served under ``/ops`` with the login's own
    routes; else ``settings.login`` (OIDC) does; without either the dashboard is not served
    at all (no page without a viewer).
    """
    settings = settings or Settings()
    login, login_http = _login(settings, login)  # a bad secret file stops the hub here
    configure_logging(settings.log_level, settings.log_format)
    callers = load_callers(settings.callers)  # a bad secret file stops the hub here
    broker = build_broker(settings)
    quarantine = Quarantine()
    quarantine.bind(broker)
    metrics, tracing = _observability(settings, tracer)
    shared: dict[str, GlobalTable] = {}  # the global tables the built components opened
    crypto = field_crypto(settings, shared)  # a bad key file stops the hub here
    events = EventPublisher(
        producer_options(settings),
        metrics=metrics,
        tracing=tracing,
        seal=None if crypto is None else crypto.seal,
    )
    tables = {spec.name: state_table(settings, spec.name) for spec in components}
    running = [
        *built_components(settings, events.publish, components, tables, shared, crypto=crypto),
        *extra,
    ]
    _require_unique_names(running)
    # What each consumes: a running component's own, or (an extra one that says nothing)
    # the registered one's of its name; routes to registered components not run here are
    # checked against their descriptors.
    consumes = {spec.name: spec.consumes for spec in components}
    consumes |= {c.name: c.consumes or consumes.get(c.name, ()) for c in running}
    check_routes(settings.routes, [_Consumer(name, kinds) for name, kinds in consumes.items()])
    routes = Routes(settings.routes, settings.municipalities)
    router = KafkaRouter()
    decode = decode_record if crypto is None else crypto.decode  # opens sealed fields first
    deliveries, stores, used, listeners = _subscribed(
        router, settings, running, tables, consumes, (quarantine, routes, metrics, tracing, decode)
    )
    broker.include_router(router)
    started = asyncio.Event()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Stopped in reverse order, also when a start fails half-way.
        async with contextlib.AsyncExitStack() as stack:
            stack.callback(tracing.shutdown)  # last: exports the spans still batched
            if login_http is not None:
                stack.push_async_callback(login_http.aclose)
            for table in used:
                stack.push_async_callback(table.close)
            for component in running:
                if component.close is not None:
                    stack.push_async_callback(component.close)
            await ensure_topics(
                settings.kafka,
                hub_topics(settings.municipalities),
                partitions=settings.topic_partitions,
                replication=settings.topic_replication,
                max_record_bytes=settings.max_record_bytes,
            )
            for table in used:  # the changelogs exist before a partition is assigned
                await table.start()
            for whole in shared.values():  # read whole before the first record
                stack.push_async_callback(whole.close)
                await whole.start()
            stack.push_async_callback(events.stop)  # also after a start that failed half-way
            await events.start()
            await broker.start()
            stack.push_async_callback(broker.stop)
            tasks = [watched(d.run_retrier(), f"{d.metrics.component}.retrier") for d in deliveries]
            tasks += [watched(c.background(), c.name) for c in running if c.background]
            stack.push_async_callback(_finish, tasks, deliveries, listeners)
            started.set()
            stack.callback(started.clear)
            yield

    def ready() -> bool:
        # Started, every group has its partitions assigned and their state restored, and
        # every global table is caught up and tailed.
        return (
            started.is_set()
            and all(table.assigned_once.is_set() for table in used)
            and all(whole.ready for whole in shared.values())
        )

    # The health and metrics routes are open, and come before the intake's catch-all mount;
    # every component's route takes only signed callers. The intake's own liveness route
    # (GET /health) stays open as well.
    app = Starlette(
        routes=[
            *health_routes(ready),
            metrics_route(metrics, [(d.metrics.component, d) for d in deliveries]),
            *_dashboard(settings, login, metrics, deliveries),
            *_http_surfaces(settings, running, callers),
        ],
        lifespan=lifespan,
    )
    # What tests, the CLI and embedders reach through the app.
    reachable = {
        "broker": broker,
        "components": tuple(running),
        "events": events,
        "settings": settings,
        "store": stores,
        "tables": tuple(used),
        "global_tables": shared,
        "crypto": crypto,  # None when field encryption is off
    }
    for name, value in reachable.items():
        setattr(app.state, name, value)
    return app


def _observability(
    settings: CoreSettings, tracer: TracerProvider | None
) -> tuple[HubMetrics, Tracing]:
    """A metrics registry of the app's own (several apps may share a process), its tracing."""
    tracing = tracing_for(settings.otlp_endpoint, instance=settings.client_id, given=tracer)
    return HubMetrics(), tracing


def _login(
    settings: CoreSettings, given: Login | None
) -> tuple[Login | None, httpx.AsyncClient | None]:
    """The given login, else the OIDC login the settings name with its client to the provider."""
    if given is not None or settings.login is None:
        return given, None
    http = httpx.AsyncClient(timeout=10.0)
    return login_from_settings(settings.login, http=http, home="/ops/"), http


def _dashboard(
    settings: CoreSettings, login: Login | None, metrics: HubMetrics, deliveries: list[Delivery]
) -> list[BaseRoute]:
    """The login's routes and the dashboard behind its guard; nothing without a login."""
    if login is None:
        return []
    hub = HubView(
        kafka=settings.kafka,
        municipalities=tuple(settings.municipalities),
        group_prefix=settings.group_prefix,
        instance=settings.client_id,
        metrics=metrics,
        deliveries=tuple(deliveries),
    )
    return [*login.routes, Mount("/ops", app=login.guard(dashboard_app(hub)))]


async def _finish(
    tasks: list[asyncio.Task[None]], deliveries: list[Delivery], listeners: list[StateRebalance]
) -> None:
    """Stop the background tasks, then commit what the deliveries have done."""
    for listener in listeners:
        listener.stop()  # a restore that keeps failing must not hold the consumers' close
    for task in tasks:
        task.cancel()
    for task in tasks:
        # Cancelled again until it ends: aiokafka's client.close() awaits its metadata task
        # under suppress(CancelledError), which also swallows the cancellation of the task
        # that is closing a client (a ticker loading the deadline state, say); that task
        # would then run on, and the hub's stop would wait for it for ever.
        while not task.done():
            await asyncio.wait({task}, timeout=_RECANCEL_S)
            task.cancel()
        # One that ended by an exception was logged when it ended (``watched``).
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    for delivery in deliveries:
        async with delivery.quiet():  # a batch still in flight ends first
            await delivery.commit()


def _require_unique_names(components: Sequence[Component]) -> None:
    """Refuse two components with one name: they would share a consumer group and its state.

    In one hub they would split the group's partitions between two handlers of one process
    (one of them never meant to run), so this is a configuration error, not something to run
    with; several hub instances, each with one of each component, are how a group scales.
    """
    names = [c.name for c in components]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        msg = (
            f"components named {', '.join(twice)} more than once; an extra component that "
            "replaces a built-in one needs the built-in one switched off in the settings"
        )
        raise ValueError(msg)


def _http_surfaces(
    settings: CoreSettings, running: Sequence[Component], callers: Mapping[str, Caller]
) -> list[BaseRoute]:
    """The components' routes: peer routes as they are, the others behind the caller check."""
    served = SignedCallers(
        Router(routes=_served_routes(running)),
        callers,
        window_s=settings.signature_window_s,
        max_body_bytes=MAX_DOCUMENT_BYTES,  # the largest body a surface takes: a document
        open_paths=("/health",),
    )
    peers = [route for component in running for route in component.peer_routes]
    return [*peers, Mount("", app=served)]


def _served_routes(running: Sequence[Component]) -> list[BaseRoute]:
    """Every component's HTTP routes; a catch-all mount (the intake's) after the others."""
    routes = [route for component in running for route in component.routes]
    return sorted(routes, key=lambda route: isinstance(route, Mount) and route.path == "")


@dataclass(frozen=True)
class _Consumer:
    name: str
    consumes: tuple[type[Contract], ...]


def group_of(settings: CoreSettings, name: str) -> str:
    """The consumer group of the component named ``name``."""
    return f"{settings.group_prefix}.{name}"


_ROW_MARGIN = 4096  # a changelog record's key, its batch's overhead, a longer reason later


def changelog_row_limit(max_record_bytes: int) -> int:
    """The largest row a changelog takes: its topics' limit, less a record's overhead."""
    return quarantine_limit(max_record_bytes) - _ROW_MARGIN


def state_table(settings: CoreSettings, name: str) -> StateTable:
    """The state table of the component named ``name`` (nothing is connected yet)."""
    group = group_of(settings, name)
    changelog = KafkaChangelog(
        settings.kafka,
        group,
        settings.municipalities,
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
        max_record_bytes=quarantine_limit(settings.max_record_bytes),
        client_id=f"{settings.client_id}-state",
    )
    return StateTable(group, changelog)


def field_crypto(settings: CoreSettings, shared: dict[str, GlobalTable]) -> FieldCrypto | None:
    """Field encryption when ``CASEHUB_ENCRYPTION`` is set: its key table joins ``shared``.

    Raises:
        KeyFileError: a served municipality's key file is missing or unusable (one line).

    """
    config = settings.encryption
    if config is None:
        return None
    provider = KeyDirectory(config.key_dir, rescan_s=config.rescan_s)
    provider.check(tuple(settings.municipalities))
    if KEY_TABLE not in shared:
        shared[KEY_TABLE] = global_table(settings, KEY_TABLE)
    return FieldCrypto(DataKeys(shared[KEY_TABLE], provider), personal=config.personal)


def global_table(settings: CoreSettings, name: str) -> GlobalTable:
    """The global table of the component named ``name`` (nothing is connected yet)."""
    return GlobalTable(
        settings.kafka,
        group_of(settings, name),
        settings.municipalities,
        replication=settings.topic_replication,
        max_record_bytes=settings.max_record_bytes,
        client_id=f"{settings.client_id}-global",
    )


def build_context(  # noqa: PLR0913 - the hub's settings and what the component gets of it
    settings: CoreSettings,
    publish: Publish,
    name: str,
    table: StateTable | None = None,
    stores: tuple[str, ...] = (),
    *,
    global_of: Callable[[], GlobalTable] | None = None,
    global_stores: tuple[str, ...] = (),
    data_keys: DataKeys | None = None,
) -> BuildContext:
    """What a component named ``name`` is built with, in a hub of these settings."""
    return BuildContext(
        publish=publish,
        source=f"{settings.source}:{name}",
        kafka=settings.kafka,
        municipalities=tuple(settings.municipalities),
        client_id=settings.client_id,
        topic_replication=settings.topic_replication,
        state_dir=settings.state_dir,
        table=table or state_table(settings, name),
        stores=stores,
        global_of=global_of,
        global_stores=global_stores,
        component_settings=settings.component,
        data_keys=data_keys,
    )


def built_components(  # noqa: PLR0913 - what the components are built with
    settings: CoreSettings,
    publish: Publish,
    components: Sequence[ComponentSpec[Any]],
    tables: dict[str, StateTable] | None = None,
    shared: dict[str, GlobalTable] | None = None,
    *,
    crypto: FieldCrypto | None = None,
) -> list[Component]:
    """Build every component that runs with these settings (importing builds nothing).

    With ``shared``, a component may open its group's global table, which is put there
    (for the hub to start); without it, the components are offered none. With ``crypto``
    (field encryption on), a component may seal its state values with its data keys.
    """
    running = []
    for spec in components:
        config = settings.component(spec.name) if spec.settings is not None else None
        if spec.settings is not None and (config is None or config is False):
            continue  # not configured: this hub does not run it
        table = (tables or {}).get(spec.name)
        opener = None
        if shared is not None and spec.global_stores:
            opener = _opener(settings, spec.name, shared)
        context = build_context(
            settings, publish, spec.name, table, spec.stores,
            global_of=opener, global_stores=spec.global_stores,
            data_keys=None if crypto is None else crypto.keys,
        )  # fmt: skip
        component = spec.build(config, context)
        running.append(replace(component, consumes=spec.consumes))
    return running


def _opener(
    settings: CoreSettings, name: str, shared: dict[str, GlobalTable]
) -> Callable[[], GlobalTable]:
    def opened() -> GlobalTable:
        if name not in shared:
            shared[name] = global_table(settings, name)
        return shared[name]

    return opened


def _subscribed(  # noqa: PLR0913, PLR0917 - the components and what they share
    router: KafkaRouter,
    settings: CoreSettings,
    running: Sequence[Component],
    tables: dict[str, StateTable],
    consumes: dict[str, tuple[type[Contract], ...]],
    shared: tuple[Quarantine, Routes, HubMetrics, Tracing, Decode],
) -> tuple[list[Delivery], DeliveryStores, list[StateTable], list[StateRebalance]]:
    """Each consuming component's delivery, on its own table, subscribed on ``router``.

    Its table follows the group's partitions (``StateRebalance``): restored on assignment,
    flushed and dropped on revocation.
    """
    quarantine, routes, metrics, tracing, decode = shared
    deliveries = []
    stores = DeliveryStores()
    used: list[StateTable] = []
    listeners: list[StateRebalance] = []
    for component in running:
        topics = routes.topics(component.name)
        if component.handler is None or not topics:
            continue  # serves HTTP only, or routed nothing
        table = tables.get(component.name) or state_table(settings, component.name)
        store = DeliveryStore(
            table,
            processed_retention_s=settings.processed_retention_s,
            max_row_bytes=changelog_row_limit(settings.max_record_bytes),
        )
        delivery = _delivery(
            settings, component.name, component.handler, consumes[component.name], store,
            quarantine, routes, FlowMetrics(metrics, component.name), tracing, decode,
        )  # fmt: skip
        listener = StateRebalance(delivery, table, topics=topics)
        subscribe(router, delivery, topics, pause_s=settings.transient_pause_s,
                  fetch_bytes=settings.max_record_bytes, listener=listener)  # fmt: skip
        deliveries.append(delivery)
        stores[delivery.group] = store
        used.append(table)
        listeners.append(listener)
    return deliveries, stores, used, listeners


def _delivery(  # noqa: PLR0913, PLR0917 - the group and what it shares with the others
    settings: CoreSettings,
    name: str,
    handler: Handler,
    consumes: tuple[type[Contract], ...],
    store: DeliveryStore,
    quarantine: Quarantine,
    routes: Routes,
    metrics: FlowMetrics | None = None,
    tracing: Tracing | None = None,
    decode: Decode = decode_record,
) -> Delivery:
    def accepts(event: Event[Contract]) -> bool:
        # The route names the type; the contract class pins its version too, so a handler
        # only ever sees the classes its component declares.
        return isinstance(event.data, consumes) and routes.accepts(
            name, event.envelope.type, event.envelope.municipality
        )

    return Delivery(
        group=group_of(settings, name),
        handler=handler,
        store=store,
        pause_s=settings.transient_pause_s,
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
        metrics=metrics,
        tracing=tracing,
        decode=decode,
    )
