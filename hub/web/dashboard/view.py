"""What the pages read of the running hub: its broker access, its metrics and deliveries."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hub.runtime.delivery import CircuitBreaker
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.metrics import FlowMetrics, HubMetrics, Observed

__all__ = ["HubView", "Watched"]


class Watched(Observed, Protocol):
    """One component's delivery as the pages see it (``hub.runtime.delivery.Delivery`` fits)."""

    @property
    def group(self) -> str:
        """Its consumer group."""

    @property
    def metrics(self) -> FlowMetrics:
        """Its flow counters (and when it last took a record of each topic)."""

    @property
    def breaker(self) -> CircuitBreaker:
        """Its circuit breaker."""


@dataclass(frozen=True)
class HubView:
    """The hub one dashboard shows: the municipalities it serves and what it runs for them.

    The pages read Kafka (the quarantine, the journal and deadline changelogs) for every
    instance's records, and this instance's deliveries for what only it knows (its
    partitions, their lag, its breakers).
    """

    kafka: KafkaConnection
    municipalities: tuple[str, ...]
    group_prefix: str
    instance: str
    """This instance's Kafka client id: who holds the partitions its deliveries hold."""
    metrics: HubMetrics
    deliveries: Sequence[Watched] = ()
    started_at: float = field(default_factory=time.time)

    def component_of(self, group: str) -> str:
        """The component a consumer group of this hub belongs to."""
        return group.removeprefix(f"{self.group_prefix}.")

    def group_of(self, component: str) -> str:
        """The consumer group of a component (as the composition root names it)."""
        return f"{self.group_prefix}.{component}"
