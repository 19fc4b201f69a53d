"""The receiving end of ``adapters.jsonpost``, locally: the failure switch and both carriers.

``JsonReceiver`` is the shared half of the Danmarks Statistik and Ankestyrelsen stand-ins
(``adapters.statistics.standin``, ``adapters.appeals.standin``), which extend it with what they
check and keep (``_receive``). As with ``adapters.soap.standin``, a class to extend: the switch
and both carriers belong to the one object that tests and ``hub.cli.standins`` reach as the
receiver's stand-in (``standin.failure = Failure.TIMEOUT``).

``answer`` is the one handler; ``transport()`` wraps it as ``httpx.MockTransport`` and ``asgi()``
as an app for ``hub.runtime.serve.serving``. A switched-on failure answers every request until
it is set back to ``NONE``; otherwise only ``POST`` at the receiver's path reaches ``_receive``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["Answer", "Failure", "JsonReceiver", "utc_now"]


class Failure(enum.Enum):
    """What the stand-in can be switched to, for every request until set back to NONE."""

    NONE = "none"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"  # 503
    UNAUTHORISED = "unauthorised"  # 401


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer of the receiver: its status, its JSON body if any, and whether it hangs."""

    status: int
    body: dict[str, Any] | None = None
    hang: bool = False


def utc_now() -> dt.datetime:
    """The receiver's clock unless it is given one."""
    return dt.datetime.now(dt.UTC)


class JsonReceiver(ABC):
    """A receiver of JSON documents POSTed at ``path``: its failure switch and its carriers."""

    def __init__(self, path: str, *, clock: Callable[[], dt.datetime], hang_seconds: float) -> None:
        self._path = path
        self._clock = clock
        self.hang_seconds = hang_seconds
        self.failure = Failure.NONE
        self.calls = 0

    @abstractmethod
    def _receive(self, body: bytes) -> Answer:
        """The answer to a document POSTed at the path, when no failure is switched on."""

    def answer(self, method: str, path: str, body: bytes) -> Answer:
        """The answer to one request, whatever carries it."""
        self.calls += 1
        failed = {
            Failure.TIMEOUT: Answer(HTTPStatus.GATEWAY_TIMEOUT, hang=True),
            Failure.SERVER_ERROR: Answer(HTTPStatus.SERVICE_UNAVAILABLE),
            Failure.UNAUTHORISED: Answer(HTTPStatus.UNAUTHORIZED),
        }.get(self.failure)
        if failed is not None:
            return failed
        if method != "POST" or path != self._path:
            return Answer(HTTPStatus.NOT_FOUND)
        return self._receive(body)

    def transport(self) -> httpx.MockTransport:
        """The stand-in as an httpx transport; a timeout is raised as httpx would."""

        def handle(request: httpx.Request) -> httpx.Response:
            answer = self.answer(request.method, request.url.path, request.content)
            if answer.hang:
                msg = "stand-in: no answer"
                raise httpx.ReadTimeout(msg, request=request)
            return httpx.Response(answer.status, content=_body(answer), headers=_headers(answer))

        return httpx.MockTransport(handle)

    def set_down(self, on: bool) -> None:  # noqa: FBT001 - a switch
        """Switch an outage on (every request answered 5xx) or off again."""
        self.failure = Failure.SERVER_ERROR if on else Failure.NONE

    def asgi(self) -> Starlette:
        """The stand-in as an ASGI app, for ``hub.runtime.serve.serving``."""

        async def endpoint(request: Request) -> Response:
            answer = self.answer(request.method, request.url.path, await request.body())
            waited = 0.0
            while answer.hang and self.failure is Failure.TIMEOUT and waited < self.hang_seconds:
                await asyncio.sleep(0.05)
                waited += 0.05
            return Response(_body(answer), answer.status, headers=_headers(answer))

        return Starlette(routes=[Route(self._path, endpoint, methods=["POST"])])


def _body(answer: Answer) -> bytes:
    return b"" if answer.body is None else json.dumps(answer.body).encode()


def _headers(answer: Answer) -> dict[str, str]:
    return {"content-type": "application/json"} if answer.body is not None else {}
