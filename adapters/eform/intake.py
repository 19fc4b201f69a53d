"""The HTTP intake an e-form system posts notifications to (``POST /notifications``).

==========  ======================================================================
status      when
==========  ======================================================================
202         published: the body names the event id, the case id and the topic
400         the body is not JSON (not UTF-8, malformed, NaN, nested too deep)
403         the submission is for a municipality the signed caller is not bound to
413         the body is larger than the configured limit
415         the content type is not ``application/json``
422         the submission fails its contract, or names a municipality this hub
            does not serve: one entry per field and problem
503         the broker did not acknowledge within the bound (``Retry-After``)
==========  ======================================================================

Every error answer is ``{"error", "problems": [{"field", "problem"}]}``. A ``field`` names a
field the submission's models declare (``notifier.name``), a part of the request
(``body``, ``content-type``), or the fields of a rule over several (``unborn, child_cpr,
mother_cpr``); an unknown key is reported at its parent without its name. No answer
repeats a key or a value it was sent. Nothing is published unless the whole submission is
valid. Who the caller is, ``SignedCallers`` (hub/runtime/callers/) decided before: an
unsigned request never gets here, and one without a verified caller acts for no one (403).

While the broker is away, a submission waits at most ``publish_timeout_s`` and gets 503.
Its publication carries on in the background: a retry of the same submission (the same
event id) joins it instead of publishing a second copy, and one that finished meanwhile
is answered 202 at once. So a retried submission is published once per hub process; a
copy from another process has the same event id, which consumers recognise.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from typing import Any, Final

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.eform.submission import ReceivedWindow, notification_event
from contracts.base import Contract
from contracts.envelope import Event
from contracts.intake import NotificationReceived
from hub.runtime.callers import acts_for
from hub.runtime.errors import ContractError, Problem, TransientError
from hub.runtime.seams import Publish

__all__ = ["MAX_DEPTH", "build_intake"]

log = structlog.get_logger(__name__)

MAX_DEPTH: Final = 32
"""The deepest nesting of objects and arrays a submission may have (it needs 3)."""
_REMEMBERED: Final = 10_000
_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET: Final = re.compile(rb"[\[\]{}]")


class _TooLargeError(Exception):
    pass


class _NotJsonError(Exception):
    pass


class _Once:
    """Publishes each event once per process, however often its submission is retried."""

    def __init__(self, publish: Publish) -> None:
        self._publish = publish
        self._in_flight: dict[str, asyncio.Future[str]] = {}
        self._published: OrderedDict[str, str] = OrderedDict()

    async def publish(self, event: Event[Contract], timeout_s: float) -> str:
        """The topic once the broker has the event; ``TimeoutError`` after ``timeout_s``."""
        event_id = event.envelope.id
        if (topic := self._published.get(event_id)) is not None:
            return topic
        task = self._in_flight.get(event_id)
        if task is None:
            task = asyncio.ensure_future(self._publish(event))
            self._in_flight[event_id] = task
            task.add_done_callback(lambda done: self._finished(event_id, done))
        async with asyncio.timeout(timeout_s):
            return await asyncio.shield(task)

    def _finished(self, event_id: str, task: asyncio.Future[str]) -> None:
        self._in_flight.pop(event_id, None)
        if task.cancelled() or task.exception() is not None:
            return  # not published: the next retry publishes afresh
        self._published[event_id] = task.result()
        while len(self._published) > _REMEMBERED:
            self._published.popitem(last=False)


def build_intake(  # noqa: PLR0913 - each is one setting of the intake
    publish: Publish,
    *,
    source: str,
    max_bytes: int,
    municipalities: Collection[str] | None = None,
    publish_timeout_s: float = 5.0,
    received_window: ReceivedWindow | None = None,
) -> Starlette:
    """The intake as an ASGI app; ``publish`` returns once the broker has the event.

    ``municipalities``: the kommunekoder served (None: every one, for tests of the shape).
    """
    intake = _Intake(
        once=_Once(publish),
        source=source,
        max_bytes=max_bytes,
        municipalities=None if municipalities is None else frozenset(municipalities),
        publish_timeout_s=publish_timeout_s,
        window=received_window
        or ReceivedWindow(max_age=timedelta(days=366), max_ahead=timedelta(minutes=5)),
    )

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/notifications", intake.submit, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


@dataclass(frozen=True, slots=True)
class _Intake:
    once: _Once
    source: str
    max_bytes: int
    municipalities: frozenset[str] | None
    publish_timeout_s: float
    window: ReceivedWindow

    async def judged(self, request: Request) -> Event[NotificationReceived] | Response:
        """The submission's event, or the answer that refuses it."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _problems(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                [Problem("content-type", "send application/json")],
            )
        try:
            body = _parse(await _read_limited(request, self.max_bytes))
        except _TooLargeError:
            problem = Problem("body", f"over {self.max_bytes} bytes")
            return _problems(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, [problem])
        except _NotJsonError as exc:
            return _problems(HTTPStatus.BAD_REQUEST, [Problem("body", str(exc))])
        try:
            event = notification_event(body, source=self.source, window=self.window)
        except ContractError as exc:
            log.info("submission_rejected", problems=len(exc.problems))
            return _problems(HTTPStatus.UNPROCESSABLE_ENTITY, list(exc.problems))
        return self.refused_municipality(request, event) or event

    def refused_municipality(
        self, request: Request, event: Event[NotificationReceived]
    ) -> Response | None:
        """The answer when the caller may not post for the municipality, or it is not served."""
        if not acts_for(request.scope, event.envelope.municipality):
            log.info("submission_rejected", problems=1, other_municipality=True)
            problem = Problem("municipality", "the caller's credential is not for this one")
            return _problems(HTTPStatus.FORBIDDEN, [problem])
        if (
            self.municipalities is not None
            and event.envelope.municipality not in self.municipalities
        ):
            log.info("submission_rejected", problems=1, unserved=True)
            problem = Problem("municipality", "not served by this hub; send it to its own")
            return _problems(HTTPStatus.UNPROCESSABLE_ENTITY, [problem])
        return None

    async def submit(self, request: Request) -> Response:
        event = await self.judged(request)
        if isinstance(event, Response):
            return event
        try:
            topic = await self.once.publish(event, self.publish_timeout_s)
        except (TransientError, OSError, TimeoutError) as exc:
            log.warning(
                "submission_not_published", event_id=event.envelope.id, error=type(exc).__name__
            )
            return JSONResponse(
                {
                    "error": "the hub could not store the notification yet; retry it",
                    "problems": [{"field": "body", "problem": "not stored yet, retry later"}],
                },
                status_code=HTTPStatus.SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(max(1, round(self.publish_timeout_s)))},
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


async def _read_limited(request: Request, limit: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _TooLargeError
    return bytes(body)


def _parse(raw: bytes) -> Any:  # noqa: ANN401 - parsed JSON
    """The JSON value, or ``_NotJsonError`` with what is wrong (never a part of it)."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        msg = "not UTF-8"
        raise _NotJsonError(msg) from None
    if _depth(raw) > MAX_DEPTH:
        msg = f"nested deeper than {MAX_DEPTH} levels"
        raise _NotJsonError(msg)
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        msg = "not valid JSON"
        raise _NotJsonError(msg) from None


def _depth(raw: bytes) -> int:
    """The deepest nesting of brackets outside strings (decided before parsing)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        depth += 1 if bracket in {b"[", b"{"} else -1
        deepest = max(deepest, depth)
    return deepest


def _no_constant(_name: str) -> Any:  # noqa: ANN401 - json's hook
    msg = "NaN and Infinity are not JSON"
    raise ValueError(msg)


def _problems(status: HTTPStatus, problems: list[Problem]) -> JSONResponse:
    return JSONResponse(
        {
            "error": status.phrase,
            "problems": [{"field": p.location or "body", "problem": p.message} for p in problems],
        },
        status_code=status,
    )
