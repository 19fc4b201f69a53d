"""One behaviour suite for every registered component, parametrised over the registry.

In the style of FastStream's ``tests/brokers/base/``: each behaviour is written once and
runs on every descriptor in ``adapters.registry.COMPONENTS``. A component is built the way
the composition root builds it, from the settings of its own stand-in (so its client talks
its real protocol on a loopback port); the legal clock, which keeps its state in Kafka,
runs on the session's real broker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, find, settings

from adapters.registry import COMPONENTS
from contracts.base import Contract
from contracts.catalogue import CATALOGUE
from contracts.deadlines import DeadlineMetV2, DeadlineSetV2, DeadlineWithdrawn
from contracts.envelope import new_event
from contracts.handover import HandoverStarted
from contracts.intake import NotificationReceived
from contracts.operations import AuditRecorded
from contracts.person import PersonLookupRequested
from hub.components.journal import COMPONENT as JOURNAL
from hub.components.outcomes import COMPONENT as OUTCOMES
from hub.compose.app import _delivery, build_context
from hub.compose.settings import Settings
from hub.runtime.component import ComponentSpec, StandinContext, event_types
from hub.runtime.errors import ContractError, PermanentError, TransientError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.quarantine import Quarantine
from hub.runtime.state import MemoryChangelog, StateTable, Task, in_task
from routing.routes import Routes, default_routes
from tests.adapters.rigsarkivet.avid import rigsarkivet_settings
from tests.contracts.strategies import contract_instances
from tests.factories import notification, notification_event
from tests.offline_delivery import RecordingBroker, fetched_batch
from tests.people import CHILD
from tests.state import all_tasks, delivery_store

READ_MODELS = (JOURNAL, OUTCOMES)
NEEDS_BROKER: set[str] = {"rigsarkivet"}  # others: state is a table on a changelog in memory
# Components with neither a stand-in nor default settings: the settings the suite gives them.
CONFIGURED = {"rigsarkivet": rigsarkivet_settings}


def _param(spec: ComponentSpec[Any]) -> Any:
    marks = [pytest.mark.kafka] if spec.name in NEEDS_BROKER else []
    return pytest.param(spec, id=spec.name, marks=marks)


SPECS = [_param(spec) for spec in COMPONENTS]
CONSUMERS = [_param(spec) for spec in COMPONENTS if spec.consumes]
"""The components that handle events (the e-form intake only serves HTTP)."""


class _FailingPublish:
    """The broker does not take the follow-up: every publish raises the same error.

    With ``audit_passes``, audit records (written before an action) are taken, so the
    component reaches its service and fails only on the follow-up.
    """

    def __init__(self, *, audit_passes: bool = False) -> None:
        self.error = TransientError("broker did not acknowledge the follow-up")
        self.calls = 0
        self.audit_passes = audit_passes

    async def __call__(self, event: Any) -> str:
        if self.audit_passes and isinstance(event.data, AuditRecorded):
            return "audit"
        self.calls += 1
        raise self.error


@pytest.fixture
def municipality(request: pytest.FixtureRequest) -> str:
    spec = request.getfixturevalue("spec")
    if spec.name in NEEDS_BROKER:
        return str(request.getfixturevalue("hub_settings").municipalities[0])
    return "101"


NOWHERE = KafkaConnection("127.0.0.1:9")  # never reached: these components do not talk to Kafka


@pytest.fixture
def bootstrap(request: pytest.FixtureRequest) -> KafkaConnection:
    spec = request.getfixturevalue("spec")
    if spec.name in NEEDS_BROKER:
        connection: KafkaConnection = request.getfixturevalue("hub_kafka")
        return connection
    return NOWHERE


@contextlib.asynccontextmanager
async def running(spec, publish, *, municipality, bootstrap, state_dir: Path):
    """The component built as the hub builds it, its background task (if any) running."""
    async with contextlib.AsyncExitStack() as stack:
        config = None
        stack.standin = None  # type: ignore[attr-defined]
        if spec.standin is not None:
            standin = await stack.enter_async_context(
                spec.standin(StandinContext(municipalities=(municipality,)))
            )
            stack.standin = standin  # type: ignore[attr-defined]
            config = standin.settings
        elif spec.name in CONFIGURED:
            config = CONFIGURED[spec.name](state_dir)
        elif spec.settings is not None:
            config = Settings().component(spec.name)
        hub = Settings(
            bootstrap_servers=bootstrap.bootstrap_servers,
            kafka_security=bootstrap.security,
            municipalities=(municipality,),
            state_dir=state_dir,
            group_prefix=f"casehub.suite-{uuid.uuid4().hex[:8]}",
        )
        # Its table owns the suite case's task, and its handler runs in that task, as the
        # delivery runs it (hub.runtime.state).
        table = StateTable(spec.name, MemoryChangelog())
        context = build_context(
            hub, publish, spec.name, table, spec.stores, global_stores=spec.global_stores
        )  # no global table here: a component must build without one
        component = spec.build(config, context)
        task = Task(municipality, 0)
        await table.assign([task])
        if component.handler is not None:
            component = dataclasses.replace(component, handler=_in_task(component.handler, task))
        yield component, stack


def _in_task(handler: Any, task: Task) -> Any:
    async def handle(event: Any) -> None:
        with in_task(task):
            await handler(event)

    return handle


@functools.cache
def _sample(contract: type[Contract]) -> Contract:
    """One valid instance of ``contract``, the same every run."""
    if contract is NotificationReceived:  # few generated drafts pass its cross-field rule
        return notification()
    if contract is HandoverStarted:  # a generated draft hands over to its own municipality
        return _sample_handover()
    if contract in _DEADLINE_SAMPLES:  # drawing these takes hypothesis half a minute
        return contract.model_validate_json(_DEADLINE_SAMPLES[contract])
    return find(
        contract_instances(contract),
        lambda _: True,
        settings=settings(
            database=None,
            derandomize=True,
            max_examples=500,
            suppress_health_check=list(HealthCheck),
        ),
    )


_DEADLINE = (
    '"deadline_id": "d-suite-1", "rule_id": "measure-follow-up", "trigger_event_id": "e-1",'
    ' "due_at": "2026-09-01T10:00:00+00:00", "escalate_at": "2026-08-25T10:00:00+00:00",'
    ' "legal_basis": {"law": "BL", "paragraph": "95"}'
)
_DEADLINE_SAMPLES: dict[type[Contract], str] = {
    DeadlineSetV2: f"{{{_DEADLINE}}}",
    DeadlineMetV2: f'{{{_DEADLINE}, "met_at": "2026-07-01T10:00:00+00:00",'
    ' "met_by_event_id": "e-2"}',
    DeadlineWithdrawn: f'{{{_DEADLINE}, "withdrawn_at": "2026-07-01T10:00:00+00:00",'
    ' "reason": "case_closed", "withdrawn_by_event_id": "e-2"}',
}


def _sample_handover() -> HandoverStarted:
    return HandoverStarted.model_validate_json(
        '{"handover_id": "ho-suite-1", "from_municipality": "101", "to_municipality": "751",'
        ' "started_at": "2026-06-01T10:00:00+00:00", "documents": 0, "summary": "moves"}'
    )


def _event(data: Contract, municipality: str):
    return new_event(data, source="urn:test", municipality=municipality, case_id="C-suite-1")


def _foreign(spec: ComponentSpec[Any], municipality: str):
    """An event of a type the component does not consume (None: it consumes every type)."""
    if set(CATALOGUE.values()) <= set(spec.consumes):
        return None  # the journal: a read model of every event
    if NotificationReceived not in spec.consumes:
        return notification_event(municipality)
    lookup = PersonLookupRequested.model_validate_json(
        f'{{"cpr": "{CHILD}", "purpose": "notification"}}'
    )
    return _event(lookup, municipality)


@pytest.mark.parametrize("spec", SPECS)
class TestEveryComponent:
    def test_its_package_exports_its_descriptor(self, spec):
        package = importlib.import_module(spec.build.__module__.rsplit(".", 1)[0])
        assert "COMPONENT" in package.__all__
        assert package.COMPONENT is spec

    def test_its_default_route_is_what_it_consumes(self, spec):
        routes = [r for r in default_routes(COMPONENTS) if r.consumer == spec.name]
        if not spec.consumes:
            assert routes == []  # nothing is routed to a component that consumes nothing
            return
        (route,) = routes
        assert route.event_types == event_types(spec.consumes)
        assert route.municipalities is None  # every municipality the hub serves


@pytest.mark.parametrize("spec", CONSUMERS)
class TestEveryConsumer:
    async def test_the_hub_s_delivery_passes_over_a_type_it_does_not_consume(
        self, spec, municipality, tmp_path
    ):
        seen = []

        async def handler(event):
            seen.append(event.envelope.type)

        # The delivery the composition root builds for this component, with its routes.
        settings = Settings(municipalities=(municipality,), state_dir=tmp_path)
        store = await delivery_store(spec.name, tasks=all_tasks([municipality]))
        quarantine = Quarantine()
        quarantine.bind(RecordingBroker())
        routes = Routes(settings.routes, [municipality])
        delivery = _delivery(settings, spec.name, handler, spec.consumes, store, quarantine, routes)
        consumed = _event(_sample(spec.consumes[0]), municipality)
        foreign = _foreign(spec, municipality)
        batch = (consumed,) if foreign is None else (foreign, consumed)
        await delivery.on_batch(fetched_batch(*batch))
        assert seen == [consumed.envelope.type]

    async def test_a_publish_that_fails_transiently_propagates(
        self, spec, municipality, bootstrap, tmp_path
    ):
        publish = _FailingPublish()
        if spec in READ_MODELS:  # it keeps what it reads, and publishes nothing
            async with running(
                spec, publish, municipality=municipality, bootstrap=bootstrap, state_dir=tmp_path
            ) as (component, _stack):
                await component.handler(notification_event(municipality))
            assert publish.calls == 0
            return
        async with running(
            spec, publish, municipality=municipality, bootstrap=bootstrap, state_dir=tmp_path
        ) as (component, stack):
            stack.push_async_callback(component.close or _nothing)
            if component.background is not None:
                await _started(component, stack)
            outcomes = []
            for contract in spec.consumes:
                if publish.calls:
                    break  # one follow-up that failed is enough
                before = publish.calls
                try:
                    await component.handler(_event(_sample(contract), municipality))
                except TransientError as exc:
                    outcomes.append(exc is publish.error or publish.calls == before)
                except (ContractError, PermanentError):
                    outcomes.append(publish.calls == before)  # data it cannot use
                else:
                    outcomes.append(publish.calls == before)  # nothing to publish
                assert outcomes[-1], f"{contract.__name__}: a failed publish was swallowed"
        assert publish.calls > 0, "no consumed event led to a follow-up: the test proves nothing"

    async def test_closing_releases_its_files_and_connections(
        self, spec, municipality, bootstrap, tmp_path
    ):
        async with running(
            spec,
            _FailingPublish(audit_passes=True),
            municipality=municipality,
            bootstrap=bootstrap,
            state_dir=tmp_path,
        ) as (component, stack):
            background = contextlib.AsyncExitStack()
            if component.background is not None:
                await _started(component, background)
            standin = stack.standin
            for contract in spec.consumes:  # until one reaches its service
                with contextlib.suppress(TransientError, ContractError, PermanentError):
                    await component.handler(_event(_sample(contract), municipality))
                if standin is None or _connections_to(standin.url) > 0:
                    break
            if standin is not None:
                assert _connections_to(standin.url) > 0, "it never reached its service"
            await background.aclose()
            if component.close is not None:
                await component.close()
            assert _open_files_in(tmp_path) == []
            if standin is not None:
                assert _connections_to(standin.url) == 0


@pytest.mark.parametrize("spec", [p for p in CONSUMERS if p.values[0].standin is not None])
async def test_an_outage_of_its_service_is_a_transient_error(spec, municipality, tmp_path):
    published = []

    async def publish(event):
        published.append(event)
        return "recorded"

    async with running(
        spec, publish, municipality=municipality, bootstrap=NOWHERE, state_dir=tmp_path
    ) as (component, stack):
        stack.push_async_callback(component.close or _nothing)
        stack.standin.down(True)  # it answers 5xx from now on
        raised = []
        for contract in spec.consumes:  # until one reaches the service
            try:
                await component.handler(_event(_sample(contract), municipality))
            except TransientError as exc:
                raised.append(exc)
                break
            except (ContractError, PermanentError):
                continue
        assert raised, "no consumed event reached its service, or the outage was swallowed"
        assert not isinstance(raised[0], PermanentError)


def _open_files_in(folder: Path) -> list[str]:
    """The files below ``folder`` this process holds open."""
    held = []
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            target = fd.readlink()
            if target.is_relative_to(folder):
                held.append(target.name)
    return held


def _connections_to(url: str) -> int:
    """Established TCP connections whose far end is ``url``'s port on loopback (the clients')."""
    port = f"{urlsplit(url).port:04X}"
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote, state = fields[2], fields[3]
        if remote.endswith(f":{port}") and state == "01":  # 01: ESTABLISHED
            count += 1
    return count


async def _nothing() -> None:
    return None


async def _started(component, stack: contextlib.AsyncExitStack) -> None:
    """Run the component's background task (the engine loads its state, then ticks)."""
    import asyncio

    task = asyncio.create_task(component.background())

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    stack.push_async_callback(stop)
    handler_owner = getattr(component.handler, "__self__", SimpleNamespace())
    ready = getattr(handler_owner, "_ready", None)
    if ready is not None:  # the deadline engine answers once its state is read
        await asyncio.wait_for(ready.wait(), timeout=60)
