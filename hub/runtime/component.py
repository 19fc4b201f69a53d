"""The component: the unit that plugs into the hub, described once and built by the hub.

A component package (an adapter, triage, the legal clock) exports one ``ComponentSpec``:
its name, the contracts it consumes, its settings model, how it is built, its stand-in and
its commands. The composition root, the default routes, the settings schema, ``casehub
standins`` and the command line are all derived from the registry's tuple of specs
(``adapters.registry.COMPONENTS``), so adding a component is a package and one line there.

Building a spec gives a ``Component``: the running unit the delivery policy drives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import click
from pydantic import BaseModel
from starlette.routing import BaseRoute

from contracts.base import Contract
from hub.runtime.audit import Auditor, component_principal
from hub.runtime.crypto import DataKeys
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.seams import Handler, Publish
from hub.runtime.state import GlobalStore, SharedTable, StateTable, Store

__all__ = [
    "BuildContext",
    "Component",
    "ComponentSpec",
    "SettingsField",
    "Standin",
    "StandinContext",
    "event_types",
]

ConfigT = TypeVar("ConfigT")


@dataclass(frozen=True)
class Component:
    """A running consumer of canonical events: its name, handler and lifecycle."""

    name: str
    handler: Handler | None = None
    """What it does with each event routed to it; ``None`` for a component on HTTP alone."""
    close: Callable[[], Awaitable[None]] | None = None
    """Releases what the handler holds (an HTTP client); called when the hub stops."""
    background: Callable[[], Coroutine[Any, Any, None]] | None = None
    """A task that runs while the hub runs (a receipt poller, a ticker); cancelled at stop."""
    consumes: tuple[type[Contract], ...] = ()
    """What it handles; empty: what the registered component of the same name consumes."""
    routes: tuple[BaseRoute, ...] = ()
    """What it serves over HTTP, mounted on the hub's server (the e-form intake); only signed
    callers' requests reach them (``hub.runtime.callers``)."""
    peer_routes: tuple[BaseRoute, ...] = ()
    """Routes another hub calls, each request carrying its own proof of origin (a handover
    package or answer signed by the sending municipality's certificate, verified by the
    route); served beside the caller check, since a peer hub holds no caller secret here."""


@dataclass(frozen=True)
class BuildContext:
    """What the hub gives a component it builds (besides the component's own settings)."""

    publish: Publish
    source: str
    """The CloudEvents source of the events the component makes (``<hub source>:<name>``)."""
    kafka: KafkaConnection
    """The broker and how to authenticate there: make any Kafka client from it."""
    municipalities: tuple[str, ...]
    client_id: str
    topic_replication: int
    state_dir: Path
    """Local files that may be lost (a cache, the local document store); no state."""
    table: StateTable
    """The component's group's state (in Kafka); its stores are parts of it."""
    stores: tuple[str, ...] = ()
    """The stores the component declared (``ComponentSpec.stores``)."""
    global_of: Callable[[], SharedTable] | None = None
    """Opens the group's global table on first use (the hub then starts it); None: none."""
    global_stores: tuple[str, ...] = ()
    """The global stores the component declared (``ComponentSpec.global_stores``)."""
    component_settings: Callable[[str], object] = field(default=lambda _name: None)
    """The settings of another component of this hub, by name (None: it does not run here),
    for a component that reads through another's port: Digital Post opens the document
    store from the ``documents`` component's settings."""
    data_keys: DataKeys | None = None
    """The subjects' data keys when field encryption is on (None: off): a component whose
    state holds personal or sensitive content seals those values with them
    (``hub.runtime.crypto.values``), so a shred reaches its changelog too."""

    def auditor(self, name: str) -> Auditor:
        """The audit port of the component ``name`` on this instance (``hub.runtime.audit``).

        It publishes through the hub's publisher, to the municipality's audit topic.
        """
        return Auditor(
            self.publish,
            principal=component_principal(name, self.client_id),
            source=self.source,
        )

    def global_table(self, name: str) -> GlobalStore | None:
        """The component's part ``name`` of its group's global table; None: the hub has none.

        Every instance holds the global table whole (``hub.runtime.state.global_table``).

        Raises:
            ValueError: the component did not declare it.

        """
        if name not in self.global_stores:
            msg = f"global store {name!r} is not declared in the component's descriptor"
            raise ValueError(msg)
        return None if self.global_of is None else GlobalStore(self.global_of(), name)

    def store(self, name: str) -> Store:
        """The component's store ``name``, one it declared.

        Raises:
            ValueError: the component did not declare it.

        """
        if name not in self.stores:
            msg = f"store {name!r} is not declared in the component's descriptor"
            raise ValueError(msg)
        return Store(self.table, name)


@dataclass(frozen=True)
class SettingsField:
    """The component's field in the hub's settings (``CASEHUB_<NAME>``), named as the component.

    A component whose field is ``None`` (the default, or set so) is not run.
    """

    annotation: Any
    default: Any
    description: str


@dataclass(frozen=True)
class StandinContext:
    """What a stand-in is started for."""

    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Standin:
    """A running stand-in: where it answers, the object that plays the service, its settings."""

    label: str
    """What it plays, e.g. ``CPR (SF1520 SOAP)``."""
    url: str
    service: Any
    """The stand-in itself (its failure switches, what it was asked)."""
    settings: BaseModel
    """The component's settings that point at this stand-in."""
    down: Callable[[bool], None]
    """Switch the service's outage on (it answers 5xx) or off again."""


@dataclass(frozen=True)
class ComponentSpec(Generic[ConfigT]):
    """One component, described once: everything the hub derives from it."""

    name: str
    """Route name, settings field, consumer group suffix and source suffix."""
    consumes: tuple[type[Contract], ...]
    """The contracts it handles; its default route, and the only types its handler sees."""
    build: Callable[[ConfigT, BuildContext], Component]
    """Builds the running component from its settings (``None`` when it has none)."""
    settings: SettingsField | None = None
    """Its settings field; ``None``: it has no settings and always runs."""
    standin: Callable[[StandinContext], AbstractAsyncContextManager[Standin]] | None = None
    """Serves the external service it talks to, on a loopback port."""
    commands: Sequence[click.Command] = field(default=())
    """Its ``casehub`` commands."""
    stores: tuple[str, ...] = ()
    """The names of its state stores (``BuildContext.store``): parts of its group's table,
    in its changelog topics, restored with its partitions."""
    global_stores: tuple[str, ...] = ()
    """The names of its global stores (``BuildContext.global_table``): parts of its group's
    global table, one compacted topic per municipality that every instance holds whole."""


def event_types(consumes: Sequence[type[Contract]]) -> frozenset[str]:
    """The CloudEvents types of these contracts."""
    return frozenset(contract.event_type for contract in consumes)
