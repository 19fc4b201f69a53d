"""One component's flow counters, fed by its delivery policy where an outcome is decided."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from hub.runtime.metrics.registry import HubMetrics
from routing.topics import parse_topic

__all__ = ["FlowMetrics", "Outcome"]


class Outcome(StrEnum):
    """The ``outcome`` label of ``casehub_records_total``."""

    HANDLED = "handled"
    RETRIED = "retried"
    QUARANTINED = "quarantined"


class FlowMetrics:
    """Counts what one component does with its records, per municipality and topic.

    The labelled children are kept per topic: a ``labels()`` lookup validates and locks on
    every call, which the delivery's per-record path should not pay.
    """

    def __init__(self, metrics: HubMetrics, component: str) -> None:
        self.metrics = metrics
        self.component = component
        self._received: dict[str, Any] = {}
        self._outcomes: dict[tuple[str, Outcome], Any] = {}
        # Per topic, when (epoch seconds) this instance last took a record of it: the
        # dashboard's "last record seen" (a time is no label, so not a metric).
        self.last_seen: dict[str, float] = {}

    def received(self, topic: str) -> None:
        """A record of ``topic`` had its outcome on the subscriber's path (or waits)."""
        child = self._received.get(topic)
        if child is None:
            child = self._received[topic] = self.metrics.received.labels(*self._flow(topic))
        child.inc()
        self.last_seen[topic] = time.time()

    def decided(self, topic: str, outcome: Outcome) -> None:
        """A record of ``topic`` (or an attempt of it, for a retry) has this outcome."""
        key = (topic, outcome)
        child = self._outcomes.get(key)
        if child is None:
            child = self._outcomes[key] = self.metrics.outcomes.labels(
                *self._flow(topic), outcome.value
            )
        child.inc()

    def _flow(self, topic: str) -> tuple[str, str, str]:
        name = parse_topic(topic)
        # A topic the hub does not name (a record on a foreign topic) is one series: its
        # name could be anything a producer made up.
        if name is None:
            return self.component, "", "other"
        return self.component, name.municipality, topic
