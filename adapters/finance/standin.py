"""The municipality's finance system behind FK-ØKO, locally: validates, books once, can fail.

Each posting is checked in this order, the first failure answering a ``soap:Client`` fault
with its code: ``KOMMUNE_UKENDT`` (another municipality's system), ``KONTO_UKENDT``,
``OMKSTED_UKENDT`` (cost centre), ``PERIODE_LUKKET`` (period closed), ``FORTEGN`` (a
commitment or payment must be positive, a reduction negative). A key it has already booked
is answered with the same posting id as a duplicate and not booked again: ``postings``
counts what was taken, ``duplicates`` what was recognised.

Its postings back: every posting taken is booked (``booked``, numbered in order) and served
on the feed operation, a page at a time after a sequence number, to the municipality that
asks. A posting for a measure in ``hold_back`` is taken (it has its posting id) but not
booked until ``release``: a posting not yet booked, as a bookkeeping system that books in
batches has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from adapters.finance.port import BookedPosting, Posting, PostingKind
from adapters.finance.wire import (
    FEED_PATH,
    PATH,
    WireError,
    bookings_xml,
    fault,
    parse_feed_request,
    parse_posting,
    receipt_xml,
)

__all__ = ["FinanceStandin"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_MAX_BODY: Final = 64 * 1024
_PAGE: Final = 500  # bookings in one feed answer


class FinanceStandin:
    """The finance system: ``postings`` in booking order, ``rejections`` as (key, code)."""

    def __init__(
        self,
        *,
        municipalities: frozenset[str],
        accounts: frozenset[str],
        cost_centres: frozenset[str] = frozenset({"1000"}),
        closed_periods: frozenset[str] = frozenset(),
    ) -> None:
        self.municipalities = municipalities
        self.accounts = accounts
        self.cost_centres = cost_centres
        self.closed_periods = set(closed_periods)
        self.postings: list[Posting] = []
        self.rejections: list[tuple[str, str]] = []
        self.duplicates = 0
        self.calls = 0
        self.down = False
        self.lose_answers = 0
        """Book the next so many postings, then answer 503 as if the answer was lost."""
        self._ids: dict[str, str] = {}
        self.booked: list[BookedPosting] = []
        """Every booking, in order: what the feed sends back."""
        self.hold_back: set[str] = set()
        """Measures whose postings are taken but not booked until ``release``."""
        self._unbooked: list[tuple[str, Posting]] = []
        self.feed_calls = 0

    def set_down(self, down: bool) -> None:  # noqa: FBT001 - the Standin's switch signature
        """Answer 503 to everything while ``down``."""
        self.down = down

    def check(self, posting: Posting) -> tuple[str, str] | None:
        """The first (code, reason) the posting fails, or None."""
        positive = posting.kind is not PostingKind.REDUCTION
        checks = (
            (posting.municipality in self.municipalities, "KOMMUNE_UKENDT", "unknown municipality"),
            (posting.account in self.accounts, "KONTO_UKENDT", "account not in the chart"),
            (posting.cost_centre in self.cost_centres, "OMKSTED_UKENDT", "unknown cost centre"),
            (posting.period not in self.closed_periods, "PERIODE_LUKKET", "period is closed"),
            (
                posting.amount_ore > 0 if positive else posting.amount_ore < 0,
                "FORTEGN",
                f"a {posting.kind.value} must be {'positive' if positive else 'negative'}",
            ),
        )
        return next(((code, why) for ok, code, why in checks if not ok), None)

    def answer(self, body: bytes) -> tuple[int, bytes]:
        """The status and SOAP answer to one request body."""
        self.calls += 1
        if self.down:
            return 503, b""
        try:
            posting = parse_posting(body)
        except WireError:
            return 500, fault("FORMAT", "not a posting")
        known = self._ids.get(posting.key)
        if known is not None:
            self.duplicates += 1
            return 200, receipt_xml(posting.key, known, duplicate=True)
        refused = self.check(posting)
        if refused is not None:
            self.rejections.append((posting.key, refused[0]))
            return 500, fault(*refused)
        posting_id = f"P{len(self.postings) + 1:09d}"
        self._ids[posting.key] = posting_id
        self.postings.append(posting)
        if posting.reference in self.hold_back:
            self._unbooked.append((posting_id, posting))
        else:
            self._book(posting_id, posting)
        if self.lose_answers > 0:
            self.lose_answers -= 1
            return 503, b""
        return 200, receipt_xml(posting.key, posting_id, duplicate=False)

    def _book(self, posting_id: str, posting: Posting) -> None:
        self.booked.append(
            BookedPosting(
                sequence=len(self.booked) + 1,
                posting_id=posting_id,
                key=posting.key,
                kind=posting.kind,
                account=posting.account,
                period=posting.period,
                amount_ore=posting.amount_ore,
                reference=posting.reference,
                case_reference=posting.case_reference,
                booked_on=posting.posting_date,
            )
        )

    def release(self) -> None:
        """Book what ``hold_back`` kept unbooked, and hold nothing back any more."""
        self.hold_back.clear()
        for posting_id, posting in self._unbooked:
            self._book(posting_id, posting)
        self._unbooked.clear()

    def feed(self, body: bytes) -> tuple[int, bytes]:
        """The status and answer to a request for the bookings after a sequence number."""
        self.feed_calls += 1
        if self.down:
            return 503, b""
        try:
            municipality, after = parse_feed_request(body)
        except WireError:
            return 500, fault("FORMAT", "not a feed request")
        if municipality not in self.municipalities:
            return 500, fault("KOMMUNE_UKENDT", "unknown municipality")
        # Sequence n is booked[n - 1]: read on from there.
        mine = [b for b in self.booked[after:] if self._of(b) == municipality][:_PAGE]
        return 200, bookings_xml(mine)

    def _of(self, booking: BookedPosting) -> str:
        return self.postings[int(booking.posting_id[1:]) - 1].municipality

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app: ``POST`` on the operation's path."""
        if scope["type"] == "lifespan":
            while True:
                event = (await receive())["type"]
                await send({"type": f"{event}.complete"})
                if event == "lifespan.shutdown":
                    return
        body = b""
        more = True
        while more and len(body) <= _MAX_BODY:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["method"] != "POST" or scope["path"] not in {PATH, FEED_PATH}:
            status, content = 404, b""
        elif scope["path"] == FEED_PATH:
            status, content = self.feed(body)
        else:
            status, content = self.answer(body)
        headers = [(b"content-type", b"text/xml; charset=utf-8")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
