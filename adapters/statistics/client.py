"""Reports to Danmarks Statistik over HTTPS: the only module that speaks the receiver's protocol.

``POST /reports`` with the report as JSON (``docs/statistics-format.md``) and the header
``X-Report-Id``. The ``httpx.AsyncClient`` passed in carries the base URL, timeouts and the
mutual-TLS context.

=============================  =========================================
answer                         result
=============================  =========================================
201, 200 ``duplicate: true``   ``Acceptance``
422 with ``codes``             ``ReportRejectedError`` (codes kept)
401, 403, 404, 405             ``StatisticsRefusedError``
429, 5xx, timeout, transport   ``StatisticsUnavailableError``
unreadable answer              ``MalformedAnswerError`` (transient)
other 4xx                      ``ReportRejectedError`` with ``HTTP_<status>``
=============================  =========================================
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Final

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from adapters.statistics.format import Report
from adapters.statistics.port import (
    Acceptance,
    MalformedAnswerError,
    ReportRejectedError,
    StatisticsRefusedError,
    StatisticsUnavailableError,
)

__all__ = ["REPORTS_PATH", "StatisticsClient"]

REPORTS_PATH: Final = "/reports"
_REFUSED: Final = frozenset({401, 403, 404, 405})
_CODE: Final = re.compile(r"[A-Za-z0-9._-]{1,32}")
_OPERATION: Final = "DST report"


class _Accepted(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    report_id: str
    receipt_id: str
    received_at: AwareDatetime
    duplicate: bool = False


class _Rejected(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    codes: tuple[str, ...]


class _AnswerError(Exception):
    """The answer was not what the protocol promises."""


class StatisticsClient:
    """The ``StatisticsReceiver`` port over HTTP."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def send(self, report: Report) -> Acceptance:
        """Post the report; see the module table for the errors."""
        with _translate_errors(_OPERATION):
            response = await self._http.post(
                REPORTS_PATH,
                content=report.model_dump_json(),
                headers={"Content-Type": "application/json", "X-Report-Id": report.report_id},
            )
            if response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY:
                raise ReportRejectedError(_OPERATION, _codes(response))
            response.raise_for_status()
            answer = _Accepted.model_validate_json(response.content)
            if answer.report_id != report.report_id:
                msg = "receipt names another report"
                raise _AnswerError(msg)
            return Acceptance(
                report.report_id, answer.receipt_id, answer.received_at, answer.duplicate
            )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()


def _codes(response: httpx.Response) -> tuple[str, ...]:
    try:
        codes = _Rejected.model_validate_json(response.content).codes
    except ValidationError:
        return ("UNREADABLE",)
    return tuple(c if _CODE.fullmatch(c) else "UNREADABLE" for c in codes) or ("UNREADABLE",)


@contextmanager
def _translate_errors(operation: str) -> Iterator[None]:
    """Every failure below becomes a port error naming the operation and a code, ``from None``.

    httpx and pydantic messages can quote the request or the answer, and chained exceptions
    are printed in tracebacks.
    """
    try:
        yield
    except httpx.TimeoutException:
        msg = f"{operation}: timeout"
        raise StatisticsUnavailableError(msg) from None
    except httpx.TransportError as exc:
        msg = f"{operation}: transport error {type(exc).__name__}"
        raise StatisticsUnavailableError(msg) from None
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        msg = f"{operation}: HTTP {status}"
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise StatisticsUnavailableError(msg) from None
        if status in _REFUSED:
            raise StatisticsRefusedError(msg) from None
        raise ReportRejectedError(operation, (f"HTTP_{status}",)) from None
    except (ValidationError, _AnswerError):
        msg = f"{operation}: unreadable answer"
        raise MalformedAnswerError(msg) from None
