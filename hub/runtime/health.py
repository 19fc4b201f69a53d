"""Health endpoints for an orchestrator: ``/health/live`` and ``/health/ready``.

==================  ======  ================================================================
path                status  when
==================  ======  ================================================================
``/health/live``    200     the process answers: its event loop ran this handler
``/health/ready``   200     ``ready()`` is true: broker connected, partitions assigned and
                            their state restored
``/health/ready``   503     ``ready()`` is false, or raised: take no traffic, keep running
==================  ======  ================================================================

Liveness asks nothing of the broker: a broker outage must not make Kubernetes restart every
hub at once. The composition root supplies ``ready`` and mounts the routes beside the intake.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["health_routes"]

log = structlog.get_logger(__name__)


def health_routes(ready: Callable[[], bool]) -> list[Route]:
    """The two routes; ``ready()`` is asked on every readiness probe and must not block."""

    async def live(_request: Request) -> Response:
        return JSONResponse({"status": "live"})

    async def readiness(_request: Request) -> Response:
        try:
            is_ready = ready()
        except Exception as exc:  # noqa: BLE001 - a failing check means "not ready", not a 500
            log.warning("readiness_check_failed", error=type(exc).__name__)
            is_ready = False
        if is_ready:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "not ready"}, status_code=HTTPStatus.SERVICE_UNAVAILABLE)

    return [
        Route("/health/live", live, methods=["GET"]),
        Route("/health/ready", readiness, methods=["GET"]),
    ]
