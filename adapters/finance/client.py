"""FK-ØKO "Afsend økonomipostering" over HTTP: one SOAP 1.1 request per posting.

===============================  ==============================
answer                           result
===============================  ==============================
200 with a receipt               ``PostingReceipt``
500 with a ``soap:Client`` fault ``PostingRejectedError`` (code, reason)
other 5xx, 429, timeout, network ``FinanceUnavailableError``
an unreadable answer, other 4xx  ``FinanceUnavailableError``
===============================  ==============================

Every failure is raised ``from None`` and names the operation and a code: httpx's messages
can quote the request.
"""

from __future__ import annotations

from typing import Final

import httpx

from adapters.finance.port import (
    BookedPosting,
    FinanceUnavailableError,
    Posting,
    PostingReceipt,
    PostingRejectedError,
    UnreadableBooking,
)
from adapters.finance.wire import (
    FEED_OPERATION,
    FEED_PATH,
    OPERATION,
    PATH,
    WireError,
    feed_request_xml,
    parse_bookings,
    parse_fault,
    parse_receipt,
)
from adapters.finance.wire import posting_xml as _posting_xml

__all__ = ["FinanceClient"]

_OPERATION: Final = "FK-ØKO AfsendOekonomipostering"
_FEED: Final = "FK-ØKO HentBogfoerteOekonomiposteringer"
_HEADERS: Final = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": f'"{OPERATION}"',
}
_FEED_HEADERS: Final = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": f'"{FEED_OPERATION}"',
}


class FinanceClient:
    """The ports over SOAP 1.1 (``adapters.finance.wire`` writes and reads the messages).

    ``FinanceSystem`` (a posting out) and ``PostingsBack`` (the bookings back).
    """

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def post(self, posting: Posting) -> PostingReceipt:
        """Send the posting; see the module's table for the errors."""
        try:
            answer = await self._http.post(PATH, content=_posting_xml(posting), headers=_HEADERS)
        except httpx.HTTPError as exc:
            msg = f"{_OPERATION}: {type(exc).__name__}"
            raise FinanceUnavailableError(msg) from None
        if answer.status_code == httpx.codes.OK:
            try:
                key, posting_id, duplicate = parse_receipt(answer.content)
            except WireError:
                msg = f"{_OPERATION}: unreadable receipt"
                raise FinanceUnavailableError(msg) from None
            if key != posting.key:
                msg = f"{_OPERATION}: the receipt names another posting"
                raise FinanceUnavailableError(msg)
            return PostingReceipt(key, posting_id, duplicate)
        if answer.status_code == httpx.codes.INTERNAL_SERVER_ERROR:
            try:
                code, reason = parse_fault(answer.content)
            except WireError:
                pass
            else:
                raise PostingRejectedError(_OPERATION, code, reason)
        msg = f"{_OPERATION}: HTTP {answer.status_code}"
        raise FinanceUnavailableError(msg)

    async def booked_after(
        self, municipality: str, sequence: int
    ) -> list[BookedPosting | UnreadableBooking]:
        """The bookings after ``sequence``; any failure is ``FinanceUnavailableError``."""
        try:
            answer = await self._http.post(
                FEED_PATH, content=feed_request_xml(municipality, sequence), headers=_FEED_HEADERS
            )
        except httpx.HTTPError as exc:
            msg = f"{_FEED}: {type(exc).__name__}"
            raise FinanceUnavailableError(msg) from None
        if answer.status_code != httpx.codes.OK:
            msg = f"{_FEED}: HTTP {answer.status_code}"
            raise FinanceUnavailableError(msg)
        try:
            return parse_bookings(answer.content)
        except WireError:
            msg = f"{_FEED}: unreadable answer"
            raise FinanceUnavailableError(msg) from None

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()
