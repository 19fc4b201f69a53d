"""Declarative routes: which consumer receives which event types, for which municipalities.

A route names a consumer (an adapter or a hub component), the event types it handles and,
optionally, the municipalities it serves (default: all the hub serves). The topics a
consumer subscribes to follow from its routes (each type's domain, for each municipality),
and a record on those topics that no route of the consumer accepts is passed over.

Routes are data: by default each component gets what it consumes (``default_routes``), and
``CASEHUB_ROUTES`` replaces them, within what each consumes (``check_routes``), e.g.
``[{"consumer": "triage", "event_types": ["dk.casehub.notification.received"],
"municipalities": ["101", "751"]}]`` to triage only for two municipalities.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Contract
from contracts.catalogue import CATALOGUE
from routing.topics import topic

__all__ = ["Consumer", "Route", "Routes", "check_routes", "default_routes"]


class Route(BaseModel):
    """One consumer's interest: event types, and optionally the municipalities."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consumer: str = Field(min_length=1, description="The consumer's name, e.g. triage.")
    event_types: frozenset[str] = Field(min_length=1, description="Event types it handles.")
    municipalities: frozenset[str] | None = Field(
        default=None, description="Kommunekoder it serves; None: all the hub serves."
    )


class Consumer(Protocol):
    """What the routes need of a component: its name and the contracts it consumes."""

    @property
    def name(self) -> str:
        """The consumer's name."""

    @property
    def consumes(self) -> tuple[type[Contract], ...]:
        """The contracts it handles."""


def default_routes(consumers: Iterable[Consumer]) -> tuple[Route, ...]:
    """One route per consumer: every type it consumes, from every municipality served."""
    return tuple(
        Route(consumer=c.name, event_types=frozenset(k.event_type for k in c.consumes))
        for c in consumers
        if c.consumes
    )


def check_routes(routes: Iterable[Route], consumers: Iterable[Consumer]) -> None:
    """Refuse a route to an unknown consumer, or of a type its consumer does not consume.

    Handlers see only the types their component consumes; a route beyond that is a
    configuration error, found at start.
    """
    consumes = {c.name: frozenset(k.event_type for k in c.consumes) for c in consumers}
    for route in routes:
        if route.consumer not in consumes:
            msg = f"a route names {route.consumer!r}, which is not a component the hub knows"
            raise ValueError(msg)
        beyond = sorted(route.event_types - consumes[route.consumer])
        if beyond:
            msg = f"a route sends {route.consumer!r} types it does not consume: {beyond}"
            raise ValueError(msg)


class Routes:
    """The route table of one hub, resolved against the municipalities it serves."""

    def __init__(self, routes: Iterable[Route], served: Iterable[str]) -> None:
        self._routes = tuple(routes)
        self._served = frozenset(served)
        domains = {event_type: contract.domain for (event_type, _), contract in CATALOGUE.items()}
        unknown = {t for r in self._routes for t in r.event_types} - set(domains)
        if unknown:
            msg = f"routes name unknown event types: {sorted(unknown)}"
            raise ValueError(msg)
        self._domains = domains

    def accepts(self, consumer: str, event_type: str, municipality: str) -> bool:
        """True when a route sends this event type from this municipality to the consumer."""
        return any(
            route.consumer == consumer
            and event_type in route.event_types
            and municipality in self._municipalities(route)
            for route in self._routes
        )

    def topics(self, consumer: str) -> tuple[str, ...]:
        """The topics the consumer reads: its types' domains, for each of its municipalities."""
        wanted = {
            topic(self._domains[event_type], code)
            for route in self._routes
            if route.consumer == consumer
            for event_type in route.event_types
            for code in self._municipalities(route)
        }
        return tuple(sorted(wanted))

    def _municipalities(self, route: Route) -> frozenset[str]:
        if route.municipalities is None:
            return self._served
        return route.municipalities & self._served
