"""The HTTP intake an e-form system posts notifications to (``POST /notifications``).

==========  ======================================================================
status      when
==========  ======================================================================
202         published: the body names the event id, the case id and the topic
400         the body is not JSON
413         the body is larger than the configured limit
415         the content type is not ``application/json``
422         the submission fails its contract: one entry per field and problem
503         the broker did not acknowledge; nothing was published, retry later
==========  ======================================================================

An error answer names fields and problems, never a submitted value. Nothing is
published unless the whole submission is valid.
"""

from __future__ import annotations

import json
from http import HTTPStatus

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.eform.submission import notification_event
from hub.runtime.errors import ContractError, Problem, TransientError
from hub.runtime.seams import Publish

__all__ = ["build_intake"]

log = structlog.get_logger(__name__)


class _TooLargeError(Exception):
    pass


def build_intake(publish: Publish, *, source: str, max_bytes: int) -> Starlette:
    """The intake as an ASGI app; ``publish`` returns once the broker has the event."""

    async def submit(request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _problems(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE, [Problem("", "send application/json")]
            )
        try:
            body = json.loads(await _read_limited(request, max_bytes))
        except _TooLargeError:
            return _problems(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, [Problem("", f"over {max_bytes} bytes")]
            )
        except (ValueError, UnicodeDecodeError):
            return _problems(HTTPStatus.BAD_REQUEST, [Problem("", "not valid JSON")])
        try:
            event = notification_event(body, source=source)
        except ContractError as exc:
            log.info("submission_rejected", problems=len(exc.problems))
            return _problems(HTTPStatus.UNPROCESSABLE_ENTITY, list(exc.problems))
        try:
            topic = await publish(event)
        except (TransientError, OSError, TimeoutError) as exc:
            log.warning("submission_not_published", error=type(exc).__name__)
            return JSONResponse(
                {"error": "the hub could not store the notification; nothing was published"},
                status_code=HTTPStatus.SERVICE_UNAVAILABLE,
                headers={"Retry-After": "5"},
            )
        log.info(
            "notification_received",
            event_id=event.envelope.id,
            case_id=event.envelope.caseid,
            municipality=event.envelope.municipality,
            topic=topic,
        )
        return JSONResponse(
            {"event_id": event.envelope.id, "case_id": event.envelope.caseid, "topic": topic},
            status_code=HTTPStatus.ACCEPTED,
        )

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/notifications", submit, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


async def _read_limited(request: Request, limit: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _TooLargeError
    return bytes(body)


def _problems(status: HTTPStatus, problems: list[Problem]) -> JSONResponse:
    return JSONResponse(
        {
            "error": status.phrase,
            "problems": [{"field": p.location or "(body)", "problem": p.message} for p in problems],
        },
        status_code=status,
    )
