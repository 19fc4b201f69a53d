"""The adapter health page: each component's circuit breaker on the systems it calls.

Closed (calls go out), open (paused: the system failed for longer than the threshold, or
refused our credentials), half-open (the cool-down passed: the next record is the trial).
"Since" is when this instance's breaker last opened or closed; the last error is the failed
call's error class, never its text (a fault text can quote the request). A breaker is this
instance's: another instance calling the same system has its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.web.dashboard.access import require_viewer
from hub.web.dashboard.render import page, when
from hub.web.dashboard.view import HubView

__all__ = ["Health", "health_route"]


@dataclass(frozen=True)
class Health:
    """One component's breaker."""

    component: str
    state: str
    since: str
    last_error: str
    trial_in_s: float


def health_route(hub: HubView) -> Route:
    """``GET /health``: every component's breaker.

    A component serves all of the hub's municipalities, so its state is not one
    municipality's: every viewer sees every breaker (no record is in it).
    """

    async def health(request: Request) -> Response:
        require_viewer(request)
        rows = [
            Health(
                component=d.metrics.component,
                state=d.breaker.state.value.replace("_", "-"),
                since=when(d.breaker.changed_at),
                last_error=d.breaker.last_error or "-",
                trial_in_s=round(d.breaker.seconds_until_trial, 1),
            )
            for d in sorted(hub.deliveries, key=lambda d: d.metrics.component)
        ]
        return page(request, "health.html", rows=rows)

    return Route("/health", health, methods=["GET"], name="health")
