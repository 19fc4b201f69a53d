"""The hub's handover routes: packages in (``Reception``), and receivers' answers (``AnswerDesk``).

200 with the signed receipt; 422 ``{"refusal": <reason>}`` for a refused package; 413 over
the size limit; 503 when the bus did not take the event (the sender tries again).
"""

from __future__ import annotations

from http import HTTPStatus

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.handover.answers import AnswerDesk
from adapters.handover.direct import ANSWERS_PATH, MEDIA_TYPE, PACKAGES_PATH
from adapters.handover.reception import Reception
from adapters.handover.refusal import PackageRefusedError
from hub.runtime.errors import TransientError

__all__ = ["answers_route", "reception_route"]

log = structlog.get_logger(__name__)

_MAX_PACKAGE = 200 * 1024 * 1024  # documents of 20 MiB each, base64, a case's worth


def reception_route(reception: Reception, *, max_bytes: int = _MAX_PACKAGE) -> Route:
    """The route that takes packages for ``reception``."""

    async def receive(request: Request) -> Response:
        body = await _body(request, max_bytes)
        if body is None:
            return _too_large()
        try:
            receipt = await reception.receive(body)
        except PackageRefusedError as exc:
            log.warning("handover_refused", refusal=exc.reason.value)
            return JSONResponse({"refusal": exc.reason.value}, HTTPStatus.UNPROCESSABLE_ENTITY)
        except TransientError as exc:
            log.warning("handover_not_stored", error=type(exc).__name__)
            return JSONResponse(
                {"error": "not stored yet; retry"},
                HTTPStatus.SERVICE_UNAVAILABLE,
                headers={"Retry-After": "5"},
            )
        return Response(receipt, HTTPStatus.OK, media_type=MEDIA_TYPE)

    return Route(PACKAGES_PATH, receive, methods=["POST"])


def answers_route(desk: AnswerDesk, *, max_bytes: int = 64 * 1024) -> Route:
    """The route that takes receivers' answers for ``desk`` (200, 422 refused, 503 retry)."""

    async def take(request: Request) -> Response:
        body = await _body(request, max_bytes)
        if body is None:
            return _too_large()
        try:
            await desk.take(body)
        except PackageRefusedError as exc:
            log.warning("handover_answer_refused", refusal=exc.reason.value)
            return JSONResponse({"refusal": exc.reason.value}, HTTPStatus.UNPROCESSABLE_ENTITY)
        except TransientError as exc:
            log.warning("handover_answer_not_stored", error=type(exc).__name__)
            return JSONResponse({"error": "not stored yet; retry"}, HTTPStatus.SERVICE_UNAVAILABLE)
        return Response(b"", HTTPStatus.OK)

    return Route(ANSWERS_PATH, take, methods=["POST"])


def _too_large() -> Response:
    return JSONResponse({"refusal": "too_large"}, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


async def _body(request: Request, max_bytes: int) -> bytes | None:
    """The body, read as it streams in; None as soon as it is over ``max_bytes``.

    These routes take peers' requests beside the caller check: a body is never read whole
    before its size is known to be within the limit.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            return None
    return bytes(body)
