"""Declarative routes: which consumer receives which event types, for which municipalities.

A route names a consumer (an adapter or a hub component), the event types it handles and,
optionally, the municipalities it serves (default: all the hub serves). The topics a
consumer subscribes to follow from its routes (each type's domain, for each municipality),
and a record on those topics that no route of the consumer accepts is passed over.

Routes are data: the defaults live here, and ``CASEHUB_ROUTES`` replaces them, e.g.
``[{"consumer": "triage", "event_types": ["dk.casehub.notification.received"],
"municipalities": ["101", "751"]}]`` to triage only for two municipalities.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from contracts.catalogue import CATALOGUE
from routing.topics import topic

__all__ = ["DEFAULT_ROUTES", "Route", "Routes"]


class Route(BaseModel):
    """One consumer's interest: event types, and optionally the municipalities."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consumer: str = Field(min_length=1, description="The consumer's name, e.g. triage.")
    event_types: frozenset[str] = Field(min_length=1, description="Event types it handles.")
    municipalities: frozenset[str] | None = Field(
        default=None, description="Kommunekoder it serves; None: all the hub serves."
    )


DEFAULT_ROUTES: tuple[Route, ...] = (
    Route(consumer="triage", event_types=frozenset({"dk.casehub.notification.received"})),
    Route(consumer="cpr", event_types=frozenset({"dk.casehub.person.lookup-requested"})),
    Route(consumer="digitalpost", event_types=frozenset({"dk.casehub.letter.requested"})),
    Route(
        consumer="statistics",
        event_types=frozenset(
            {
                "dk.casehub.case.opened",  # the case's child, whom placement reports name
                "dk.casehub.notification.received",
                "dk.casehub.decision.measure-decided",
                "dk.casehub.decision.committee-decided",
                "dk.casehub.measure.started",
                "dk.casehub.measure.changed",
                "dk.casehub.measure.follow-up-completed",
                "dk.casehub.measure.ended",
                "dk.casehub.decision.aftercare-decided",  # event code 6
                "dk.casehub.handover.accepted",  # the case's responsibility received
            }
        ),
    ),
    Route(consumer="appeals", event_types=frozenset({"dk.casehub.decision.upheld-on-appeal"})),
    # The legal clock: every event that starts, meets, cuts off or withdraws a deadline, or
    # that the engine remembers for later (hub.deadlines.engine.EVENT_TYPES).
    Route(
        consumer="deadlines",
        event_types=frozenset(
            {
                "dk.casehub.case.closed",
                "dk.casehub.case.opened",
                "dk.casehub.decision.aftercare-decided",
                "dk.casehub.decision.committee-decided",
                "dk.casehub.decision.measure-decided",
                "dk.casehub.decision.measure-proposed",
                "dk.casehub.decision.plan-created",
                "dk.casehub.decision.upheld-on-appeal",
                "dk.casehub.handover.accepted",
                "dk.casehub.investigation.child-heard",
                "dk.casehub.investigation.completed",
                "dk.casehub.investigation.provisional-assessment-recorded",
                "dk.casehub.investigation.started",
                "dk.casehub.letter.delivered",
                "dk.casehub.letter.requested",
                "dk.casehub.measure.changed",
                "dk.casehub.measure.ended",
                "dk.casehub.measure.follow-up-completed",
                "dk.casehub.measure.started",
                "dk.casehub.notification.assessed",
                "dk.casehub.notification.receipt-sent",
                "dk.casehub.notification.received",
                "dk.casehub.reporting.appeal-forwarded",
                "dk.casehub.reporting.statistics-reported",
                "dk.casehub.reporting.transfer-reported",
            }
        ),
    ),
    Route(
        consumer="archive",
        event_types=frozenset(
            {
                "dk.casehub.case.opened",
                "dk.casehub.document.filed",
                "dk.casehub.document.journal-note-added",
            }
        ),
    ),
)


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
