"""The hub's Prometheus metrics, on a registry of one app's own.

Labels are a closed set of bounded values: the component, the municipality (kommunekode),
the topic, the partition number, an outcome or a state. Never a case id, an event id, a
person or any other value a record brings: a label value is a series for ever, and a
metrics endpoint is read by people who may not see a case.

Several apps in one process (the tests, an embedder) each have their own registry, so one
app's counts never appear on another's ``/metrics``.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Enum, Gauge, Histogram

__all__ = ["BREAKER_STATES", "CALL_BUCKETS_S", "HubMetrics"]

BREAKER_STATES = ("closed", "half_open", "open")
"""``hub.runtime.delivery.BreakerState``'s values (the delivery imports this package)."""

_DEADLINE = "dk.casehub.deadline."  # the legal clock's event types: set, met, missed, ...

CALL_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""External calls: a loopback stand-in answers in milliseconds, a national service in
seconds, and the endpoints' timeout is 10 s by default."""


class HubMetrics:
    """Every metric the hub exports, registered on ``registry``."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        flow = ["component", "municipality", "topic"]
        self.received = Counter(
            "casehub_records_received",
            "Records a component took from its topics (counted once each has an outcome or "
            "waits behind its case).",
            flow,
            registry=self.registry,
        )
        self.outcomes = Counter(
            "casehub_records",
            "Outcomes: handled (also a repeat or a record not routed to the component), "
            "retried (an attempt failed and another is scheduled), quarantined.",
            [*flow, "outcome"],
            registry=self.registry,
        )
        self.lag = Gauge(
            "casehub_consumer_lag",
            "Records on a partition the component has not yet given an outcome: the "
            "partition's high watermark less the next offset to decide.",
            [*flow, "partition"],
            registry=self.registry,
        )
        self.breaker = Enum(
            "casehub_breaker_state",
            "Each component's circuit breaker (on the systems it calls).",
            ["component"],
            states=list(BREAKER_STATES),
            registry=self.registry,
        )
        self.calls = Histogram(
            "casehub_external_call_seconds",
            "HTTP calls to external services, from request to response headers; outcome "
            "is the answer's status class (2xx, 4xx, 5xx).",
            ["component", "municipality", "outcome"],
            buckets=CALL_BUCKETS_S,
            registry=self.registry,
        )
        self.deadlines = Counter(
            "casehub_deadlines",
            "The legal clock's deadline events as published: set, approaching, met, missed, "
            "withdrawn.",
            ["municipality", "event"],
            registry=self.registry,
        )
        self.published = Counter(
            "casehub_events_published",
            "Canonical events the hub handed to the broker, by type.",
            ["municipality", "type"],
            registry=self.registry,
        )
        self._published: dict[tuple[str, str], tuple[Any, ...]] = {}

    def count_published(self, event_type: str, municipality: str) -> None:
        """One event of ``event_type`` published (a deadline's also counts as its event)."""
        children = self._published.get((event_type, municipality))
        if children is None:
            children = (self.published.labels(municipality, event_type),)
            if event_type.startswith(_DEADLINE):
                event = event_type.removeprefix(_DEADLINE)
                children += (self.deadlines.labels(municipality, event),)
            self._published[event_type, municipality] = children
        for child in children:
            child.inc()
