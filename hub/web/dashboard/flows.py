"""The flows page: per municipality, topic and component, records in, outcomes, rate, last seen.

Counted by this instance (its metrics registry): each instance shows what it handled; the
Grafana dashboard (deploy/grafana/) sums every instance's ``/metrics``. The rate is the
average per minute since this instance started (a window needs a time series: Prometheus).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.runtime.metrics import HubMetrics
from hub.web.dashboard.access import require_viewer, visible
from hub.web.dashboard.render import page, when
from hub.web.dashboard.view import HubView

__all__ = ["Flow", "flow_rows", "flows_route"]


@dataclass
class Flow:
    """One component's records of one topic of one municipality."""

    municipality: str
    topic: str
    component: str
    received: float = 0.0
    outcomes: dict[str, float] = field(default_factory=dict)
    last_seen: str = "-"
    per_minute: float = 0.0


def flow_rows(hub: HubView, municipalities: list[str]) -> list[Flow]:
    """The flows of ``municipalities``, by municipality, topic and component."""
    flows: dict[tuple[str, str, str], Flow] = {}
    for labels, value in _samples(hub.metrics, "received"):
        key = (labels["municipality"], labels["topic"], labels["component"])
        if key[0] in municipalities:
            flows.setdefault(key, Flow(*key)).received = value
    for labels, value in _samples(hub.metrics, "outcomes"):
        key = (labels["municipality"], labels["topic"], labels["component"])
        if key[0] in municipalities:
            flows.setdefault(key, Flow(*key)).outcomes[labels["outcome"]] = value
    minutes = max((time.time() - hub.started_at) / 60, 1 / 60)
    seen = {
        (d.metrics.component, topic): at
        for d in hub.deliveries
        for topic, at in d.metrics.last_seen.items()
    }
    for flow in flows.values():
        flow.per_minute = round(flow.received / minutes, 1)
        flow.last_seen = when(seen.get((flow.component, flow.topic)))
    return [flows[key] for key in sorted(flows)]


def _samples(metrics: HubMetrics, which: str) -> list[tuple[dict[str, str], float]]:
    counter = metrics.received if which == "received" else metrics.outcomes
    return [
        (sample.labels, sample.value)
        for family in counter.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
    ]


def flows_route(hub: HubView) -> Route:
    """``GET /flows``."""

    async def flows(request: Request) -> Response:
        viewer = require_viewer(request)
        return page(request, "flows.html", flows=flow_rows(hub, visible(viewer, hub)))

    return Route("/flows", flows, methods=["GET"], name="flows")
