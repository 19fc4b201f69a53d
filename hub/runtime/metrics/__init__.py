"""Prometheus metrics: flow counters, consumer lag, breaker state, external calls, deadlines."""

from hub.runtime.metrics.calls import calling, event_hooks
from hub.runtime.metrics.flow import FlowMetrics, Outcome
from hub.runtime.metrics.registry import BREAKER_STATES, CALL_BUCKETS_S, HubMetrics
from hub.runtime.metrics.scrape import Observed, consumer_lag, metrics_route

__all__ = [
    "BREAKER_STATES",
    "CALL_BUCKETS_S",
    "FlowMetrics",
    "HubMetrics",
    "Observed",
    "Outcome",
    "calling",
    "consumer_lag",
    "event_hooks",
    "metrics_route",
]
