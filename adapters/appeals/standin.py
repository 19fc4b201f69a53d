"""Ankestyrelsen's reception, locally: checks each package, acknowledges once, can fail.

``AnkeStandIn.answer`` is the one handler; ``transport()`` wraps it as ``httpx.MockTransport``
and ``asgi()`` as an app for ``hub.serve.serving``. A forward id it already has is
acknowledged again as a duplicate and not kept twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.appeals.client import APPEALS_PATH
from adapters.appeals.package import AppealPackage, PackageError, validate_package

__all__ = ["AnkeStandIn", "Failure"]


class Failure(enum.Enum):
    """What the stand-in can be switched to, for every request until set back to NONE."""

    NONE = "none"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"  # 503
    UNAUTHORISED = "unauthorised"  # 401


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: dict[str, Any] | None = None
    hang: bool = False


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AnkeStandIn:
    """The receiver: ``appeals`` in arrival order, ``rejections`` as codes."""

    def __init__(
        self, *, clock: Callable[[], dt.datetime] = _utc_now, hang_seconds: float = 5.0
    ) -> None:
        self._clock = clock
        self.hang_seconds = hang_seconds
        self.failure = Failure.NONE
        self.appeals: list[AppealPackage] = []
        self._acks: dict[str, tuple[str, dt.datetime]] = {}
        self.duplicates = 0
        self.rejections: list[str] = []
        self.calls = 0

    def answer(self, method: str, path: str, body: bytes) -> _Answer:
        """The answer to one request, whatever carries it."""
        self.calls += 1
        failed = {
            Failure.TIMEOUT: _Answer(HTTPStatus.GATEWAY_TIMEOUT, hang=True),
            Failure.SERVER_ERROR: _Answer(HTTPStatus.SERVICE_UNAVAILABLE),
            Failure.UNAUTHORISED: _Answer(HTTPStatus.UNAUTHORIZED),
        }.get(self.failure)
        if failed is not None:
            return failed
        if method != "POST" or path != APPEALS_PATH:
            return _Answer(HTTPStatus.NOT_FOUND)
        try:
            package = validate_package(body)
        except PackageError as exc:
            self.rejections.append(exc.code)
            where = [p.location for p in exc.problems]
            return _Answer(HTTPStatus.UNPROCESSABLE_ENTITY, {"codes": [exc.code], "where": where})
        known = self._acks.get(package.forward_id)
        duplicate = known is not None
        if known is None:
            known = (str(uuid.uuid4()), self._clock())
            self._acks[package.forward_id] = known
            self.appeals.append(package)
        else:
            self.duplicates += 1
        body_out = {
            "forward_id": package.forward_id,
            "acknowledgement_id": known[0],
            "received_at": known[1].isoformat(),
            "duplicate": duplicate,
        }
        return _Answer(HTTPStatus.OK if duplicate else HTTPStatus.CREATED, body_out)

    def transport(self) -> httpx.MockTransport:
        """The stand-in as an httpx transport; a timeout is raised as httpx would."""

        def handle(request: httpx.Request) -> httpx.Response:
            answer = self.answer(request.method, request.url.path, request.content)
            if answer.hang:
                msg = "stand-in: no answer"
                raise httpx.ReadTimeout(msg, request=request)
            return httpx.Response(answer.status, content=_body(answer), headers=_headers(answer))

        return httpx.MockTransport(handle)

    def asgi(self) -> Starlette:
        """The stand-in as an ASGI app, for ``hub.serve.serving``."""

        async def endpoint(request: Request) -> Response:
            answer = self.answer(request.method, request.url.path, await request.body())
            waited = 0.0
            while answer.hang and self.failure is Failure.TIMEOUT and waited < self.hang_seconds:
                await asyncio.sleep(0.05)
                waited += 0.05
            return Response(_body(answer), answer.status, headers=_headers(answer))

        return Starlette(routes=[Route(APPEALS_PATH, endpoint, methods=["POST"])])


def _body(answer: _Answer) -> bytes:
    return b"" if answer.body is None else json.dumps(answer.body).encode()


def _headers(answer: _Answer) -> dict[str, str]:
    return {"content-type": "application/json"} if answer.body is not None else {}
