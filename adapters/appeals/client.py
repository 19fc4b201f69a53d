"""Appeals to Ankestyrelsen over HTTPS: ``POST /appeals`` with the package as JSON.

=============================  =========================================
answer                         result
=============================  =========================================
201, 200 ``duplicate: true``   ``Acknowledgement``
422 with ``codes``             ``AppealRejectedError``
401, 403, 404, 405             ``AppealsRefusedError``
429, 5xx, timeout, transport   ``AppealsUnavailableError``
unreadable answer              ``MalformedAnswerError`` (transient)
other 4xx                      ``AppealRejectedError`` with ``HTTP_<status>``
=============================  =========================================
"""

from __future__ import annotations

from typing import Final

import httpx

from adapters.appeals.package import AppealPackage
from adapters.appeals.port import (
    Acknowledgement,
    AppealRejectedError,
    AppealsRefusedError,
    AppealsUnavailableError,
    MalformedAnswerError,
)
from adapters.jsonpost import Errors, ReceiptAnswer, post_json

__all__ = ["APPEALS_PATH", "AppealsClient"]

APPEALS_PATH: Final = "/appeals"
_OPERATION: Final = "Ankestyrelsen forward"
_ERRORS: Final = Errors(
    rejected=AppealRejectedError,
    refused=AppealsRefusedError,
    unavailable=AppealsUnavailableError,
    malformed=MalformedAnswerError,
)


class _Acknowledged(ReceiptAnswer):
    forward_id: str
    acknowledgement_id: str


class AppealsClient:
    """The port over HTTP (the protocol itself is ``adapters.jsonpost``)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def forward(self, package: AppealPackage) -> Acknowledgement:
        """Post the document; see the module table for the errors."""
        receipt = await post_json(
            self._http,
            APPEALS_PATH,
            package.model_dump_json(),
            id_header="X-Forward-Id",
            document_id=package.forward_id,
            answer=_Acknowledged,
            id_field="forward_id",
            receipt_field="acknowledgement_id",
            operation=_OPERATION,
            errors=_ERRORS,
        )
        return Acknowledgement(
            package.forward_id, receipt.receipt_id, receipt.received_at, receipt.duplicate
        )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()
