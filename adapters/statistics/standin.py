"""Danmarks Statistik's reception, locally: validates, keeps every report, can be told to fail.

``DstStandIn.answer`` is the one handler; ``transport()`` wraps it as ``httpx.MockTransport``
and ``asgi()`` as an app for ``hub.serve.serving``. It checks each report against the format
versions live on its own clock (both around a change), recognises a report id it already has
and answers it as a duplicate, and never replaces a report: a correction must name a
report it has (``UNKNOWN_CORRECTED`` otherwise). As DST registers every record on a person,
a record without its child (a placement form that names only the case) is refused with
``CHILD_MISSING``, and one whose number is not a CPR number with ``CPR_INVALID``; ``where``
names the field, never the number. ``reject`` maps a report id to a code it answers with,
as DST does for content it will not take (e.g. ``CPR_UNKNOWN``).
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

from adapters.statistics.client import REPORTS_PATH
from adapters.statistics.format import FormatError, Report, validate_report
from adapters.statistics.versions import UnknownVersionError, accepted_on

__all__ = ["DstStandIn", "Failure"]

_JSON = "application/json"


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


class DstStandIn:
    """The receiver: ``reports`` in arrival order (append-only), ``rejections`` as codes."""

    def __init__(
        self, *, clock: Callable[[], dt.datetime] = _utc_now, hang_seconds: float = 5.0
    ) -> None:
        self._clock = clock
        self.hang_seconds = hang_seconds
        self.failure = Failure.NONE
        self.reports: list[Report] = []
        self._receipts: dict[str, tuple[str, dt.datetime]] = {}
        self.duplicates = 0
        self.rejections: list[tuple[str, ...]] = []
        self.reject: dict[str, str] = {}
        self.calls = 0

    def by_id(self, report_id: str) -> Report:
        """The report stored under ``report_id``."""
        return next(r for r in self.reports if r.report_id == report_id)

    def answer(self, method: str, path: str, body: bytes) -> _Answer:  # noqa: PLR0911 - one per answer
        """The answer to one request, whatever carries it."""
        self.calls += 1
        failed = {
            Failure.TIMEOUT: _Answer(HTTPStatus.GATEWAY_TIMEOUT, hang=True),
            Failure.SERVER_ERROR: _Answer(HTTPStatus.SERVICE_UNAVAILABLE),
            Failure.UNAUTHORISED: _Answer(HTTPStatus.UNAUTHORIZED),
        }.get(self.failure)
        if failed is not None:
            return failed
        if method != "POST" or path != REPORTS_PATH:
            return _Answer(HTTPStatus.NOT_FOUND)
        now = self._clock()
        try:
            report = validate_report(body, accepted_on(now))
        except FormatError as exc:
            return self._rejected(exc.code, *(p.location for p in exc.problems))
        except UnknownVersionError:
            return self._rejected("VERSION_NOT_LIVE")
        known = self._receipts.get(report.report_id)
        if known is not None:
            self.duplicates += 1
            return self._accepted(report.report_id, *known, duplicate=True)
        if report.corrects is not None and report.corrects not in self._receipts:
            return self._rejected("UNKNOWN_CORRECTED")
        code = self.reject.get(report.report_id)
        if code is not None:
            return self._rejected(code)
        self.reports.append(report)
        receipt = (str(uuid.uuid4()), now)
        self._receipts[report.report_id] = receipt
        return self._accepted(report.report_id, *receipt, duplicate=False)

    def _rejected(self, code: str, *where: str) -> _Answer:
        self.rejections.append((code,))
        return _Answer(HTTPStatus.UNPROCESSABLE_ENTITY, {"codes": [code], "where": list(where)})

    @staticmethod
    def _accepted(report_id: str, receipt_id: str, at: dt.datetime, *, duplicate: bool) -> _Answer:
        status = HTTPStatus.OK if duplicate else HTTPStatus.CREATED
        body = {
            "report_id": report_id,
            "receipt_id": receipt_id,
            "received_at": at.isoformat(),
            "duplicate": duplicate,
        }
        return _Answer(status, body)

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

        return Starlette(routes=[Route(REPORTS_PATH, endpoint, methods=["POST"])])


def _body(answer: _Answer) -> bytes:
    return b"" if answer.body is None else json.dumps(answer.body).encode()


def _headers(answer: _Answer) -> dict[str, str]:
    return {"content-type": _JSON} if answer.body is not None else {}
