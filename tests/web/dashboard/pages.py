"""One dashboard page, read as a viewer against the broker: for tests that made its records.

The pages that read Kafka (the legal clock, the journal) need no running hub: a test that
ran one renders the page afterwards from the changelog the hub left.
"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.metrics import HubMetrics
from hub.web.dashboard import HubView, dashboard_app
from hub.web.viewer import Viewer
from tests.web.dashboard.fixed_login import FixedLogin

__all__ = ["read_page"]


async def read_page(  # noqa: PLR0913 - the hub's view and the request
    kafka: KafkaConnection,
    municipalities: tuple[str, ...],
    group_prefix: str,
    signed_in: Viewer,
    path: str,
    *,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    """``GET /ops{path}`` as ``signed_in``, on a hub of ``municipalities`` and ``group_prefix``."""
    hub = HubView(
        kafka=kafka,
        municipalities=municipalities,
        group_prefix=group_prefix,
        instance="test",
        metrics=HubMetrics(),
    )
    login = FixedLogin(signed_in)
    app = Starlette(routes=[Mount("/ops", app=login.guard(dashboard_app(hub)))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        return await http.get(f"/ops{path}", params=params)
