"""The lag page: per consumer group and partition, how far behind, and which instance holds it.

The lag is this instance's own (its deliveries' positions against the high watermark of
their last fetch, as ``/metrics`` reports it); the holders of every partition of the hub's
groups, this instance's and the others', come from the broker (``holders``).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.runtime.metrics import consumer_lag
from hub.web.dashboard.access import require_viewer, visible
from hub.web.dashboard.holders import partition_holders
from hub.web.dashboard.render import page
from hub.web.dashboard.view import HubView
from routing.topics import parse_topic

__all__ = ["Lag", "lag_route"]


@dataclass(frozen=True)
class Lag:
    """One partition of one group's topic."""

    group: str
    municipality: str
    topic: str
    partition: int
    behind: int | None
    """Records not yet given an outcome; None: another instance holds it (see its page)."""
    holder: str


async def _rows(hub: HubView, municipalities: list[str]) -> tuple[list[Lag], bool]:
    local = {d.group: await consumer_lag(d) for d in hub.deliveries}
    holders = await partition_holders(hub.kafka, sorted(local))
    rows: dict[tuple[str, str, int], Lag] = {}

    def add(group: str, topic: str, partition: int, behind: int | None, holder: str) -> None:
        name = parse_topic(topic)
        if name is not None and name.municipality in municipalities:
            key = (group, topic, partition)
            rows[key] = Lag(group, name.municipality, topic, partition, behind, holder)

    for (group, tp), holder in (holders or {}).items():
        add(group, tp.topic, tp.partition, None, holder)
    for group, lag in local.items():
        for tp, behind in lag.items():
            add(group, tp.topic, tp.partition, behind, f"{hub.instance} (this instance)")
    return [rows[key] for key in sorted(rows)], holders is not None


def lag_route(hub: HubView) -> Route:
    """``GET /lag``."""

    async def lag(request: Request) -> Response:
        viewer = require_viewer(request)
        rows, complete = await _rows(hub, visible(viewer, hub))
        return page(request, "lag.html", rows=rows, complete=complete, instance=hub.instance)

    return Route("/lag", lag, methods=["GET"], name="lag")
