"""``/metrics``: the registry in Prometheus' text format, the gauges read at scrape time.

Consumer lag and breaker state are read from the deliveries when Prometheus asks, not kept
up to date on the record path: lag is each assigned partition's high watermark (what the
consumer's last fetch saw) less the next offset the component has to decide: the one after
its last decided record, or, for a partition with none decided since it was assigned, the
group's committed offset, asked once and kept (one request per partition and assignment,
not per scrape: a hub of many municipalities holds thousands of partitions).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from enum import StrEnum
from typing import Any, Protocol

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.runtime.metrics.registry import HubMetrics
from routing.topics import parse_topic

__all__ = ["Observed", "consumer_lag", "metrics_route"]


class _Breaker(Protocol):
    @property
    def state(self) -> StrEnum:
        """closed, half_open or open."""


class Observed(Protocol):
    """What a scrape reads of a delivery (``hub.runtime.delivery.Delivery`` fits)."""

    @property
    def consumer(self) -> Any:  # noqa: ANN401 - aiokafka's consumer, untyped
        """The consumer of its last batch; None before the first."""

    @property
    def positions(self) -> MutableMapping[TopicPartition, int]:
        """Per partition, the offset after the last record given an outcome."""

    @property
    def breaker(self) -> _Breaker:
        """Its circuit breaker."""


async def consumer_lag(delivery: Observed) -> dict[TopicPartition, int]:
    """The delivery's lag per assigned partition (none before its consumer's first fetch)."""
    consumer = delivery.consumer
    if consumer is None:
        return {}
    lag = {}
    for partition in sorted(consumer.assignment()):
        highwater = consumer.highwater(partition)
        if highwater is None:
            continue  # not fetched yet: nothing known
        decided = delivery.positions.get(partition)
        if decided is None:
            try:
                committed = await consumer.committed(partition) or 0
            except KafkaError:
                continue  # a rebalance or an outage: this scrape leaves the partition out
            if partition not in consumer.assignment():
                continue  # revoked while asked: its position is no longer this instance's
            # Kept: a record decided meanwhile set its own (later) position.
            decided = delivery.positions.setdefault(partition, committed)
        lag[partition] = max(0, highwater - decided)
    return lag


def metrics_route(metrics: HubMetrics, deliveries: Sequence[tuple[str, Observed]]) -> Route:
    """The route; ``deliveries`` are the running components' names and deliveries."""

    async def scrape(_request: Request) -> Response:
        # Read everything first: a second scrape meanwhile then sees whole values.
        lags = [(name, await consumer_lag(delivery)) for name, delivery in deliveries]
        metrics.lag.clear()  # partitions this instance no longer holds leave the output
        for name, lag in lags:
            for partition, behind in lag.items():
                topic = parse_topic(partition.topic)
                municipality = topic.municipality if topic else ""
                metrics.lag.labels(
                    name, municipality, partition.topic, str(partition.partition)
                ).set(behind)
        for name, delivery in deliveries:
            metrics.breaker.labels(name).state(delivery.breaker.state.value)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", scrape, methods=["GET"])
