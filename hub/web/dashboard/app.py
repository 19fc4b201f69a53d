"""The dashboard's pages as one ASGI app, to be mounted behind a login (``hub.web.viewer``)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles

from hub.web.dashboard.access import require_viewer, visible
from hub.web.dashboard.deadlines import deadlines_route
from hub.web.dashboard.flows import flows_route
from hub.web.dashboard.health import health_route
from hub.web.dashboard.journal import journal_route
from hub.web.dashboard.lag import lag_route
from hub.web.dashboard.quarantine import quarantine_routes
from hub.web.dashboard.render import page
from hub.web.dashboard.view import HubView

__all__ = ["dashboard_app"]


def dashboard_app(hub: HubView) -> Router:
    """Every page, for the viewer the login put in scope; none of them is served without."""

    async def index(request: Request) -> Response:
        viewer = require_viewer(request)
        return page(request, "index.html", municipalities=visible(viewer, hub))

    return Router(
        routes=[
            Route("/", index, methods=["GET"], name="index"),
            flows_route(hub),
            lag_route(hub),
            health_route(hub),
            *quarantine_routes(hub),
            deadlines_route(hub),
            journal_route(hub),
            Mount(
                "/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"
            ),
        ]
    )
