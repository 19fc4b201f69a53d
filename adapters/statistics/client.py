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

from typing import Final

import httpx

from adapters.jsonpost import Errors, ReceiptAnswer, post_json
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
_OPERATION: Final = "DST report"
_ERRORS: Final = Errors(
    rejected=ReportRejectedError,
    refused=StatisticsRefusedError,
    unavailable=StatisticsUnavailableError,
    malformed=MalformedAnswerError,
)


class _Accepted(ReceiptAnswer):
    report_id: str
    receipt_id: str


class StatisticsClient:
    """The port over HTTP (the protocol itself is ``adapters.jsonpost``)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def send(self, report: Report) -> Acceptance:
        """Post the document; see the module table for the errors."""
        receipt = await post_json(
            self._http,
            REPORTS_PATH,
            report.model_dump_json(),
            id_header="X-Report-Id",
            document_id=report.report_id,
            answer=_Accepted,
            id_field="report_id",
            receipt_field="receipt_id",
            operation=_OPERATION,
            errors=_ERRORS,
        )
        return Acceptance(
            report.report_id, receipt.receipt_id, receipt.received_at, receipt.duplicate
        )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()
