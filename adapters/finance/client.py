"""FK-ØKO "Afsend økonomipostering" over HTTP: one SOAP 1.1 request per posting.

===============================  ==============================
answer                           result
===============================  ==============================
200 with a receipt               ``PostingReceipt``
500 with a ``soap:Client`` fault ``PostingRejectedError`` (code, reason)
other 5xx, 429, timeout, network ``FinanceUnavailableError``
an unreadable answer, other 4xx  ``FinanceUnavailableError``
an answer over 1 MiB             ``FinanceUnavailableError`` (not read past the cap)
===============================  ==============================

Every failure is raised ``from None`` and names the operation and a code: httpx's messages
can quote the request.
"""

from __future__ import annotations

from typing import Final

import httpx

from adapters.capped import AnswerTooLargeError, post_capped
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

__all__ = ["MAX_ANSWER_BYTES", "FinanceClient"]

MAX_ANSWER_BYTES: Final = 1024 * 1024
"""A feed page is at most 500 bookings of under 1 KiB each (the stand-in's page; the real
one's is a guess), a receipt or a fault far less: an answer over this is not one of them."""

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
        answer = await self._call(PATH, _posting_xml(posting), _HEADERS, _OPERATION)
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
        request = feed_request_xml(municipality, sequence)
        answer = await self._call(FEED_PATH, request, _FEED_HEADERS, _FEED)
        if answer.status_code != httpx.codes.OK:
            msg = f"{_FEED}: HTTP {answer.status_code}"
            raise FinanceUnavailableError(msg)
        try:
            return parse_bookings(answer.content)
        except WireError:
            msg = f"{_FEED}: unreadable answer"
            raise FinanceUnavailableError(msg) from None

    async def _call(
        self, path: str, content: bytes, headers: dict[str, str], operation: str
    ) -> httpx.Response:
        # The answer is read while it streams and refused past the cap: httpx would read an
        # answer of any size into memory before the XML parser's own limit saw it.
        try:
            return await post_capped(
                self._http, path, content=content, headers=headers, max_bytes=MAX_ANSWER_BYTES
            )
        except httpx.HTTPError as exc:
            msg = f"{operation}: {type(exc).__name__}"
            raise FinanceUnavailableError(msg) from None
        except AnswerTooLargeError:
            msg = f"{operation}: answer over {MAX_ANSWER_BYTES} bytes"
            raise FinanceUnavailableError(msg) from None

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()
