"""The FK-ØKO client reads an answer only up to its cap: a larger one is unavailable."""

import dataclasses
import datetime as dt

import httpx
import pytest

from adapters.finance import FinanceClient, FinanceUnavailableError
from adapters.finance.client import MAX_ANSWER_BYTES
from adapters.finance.port import BookedPosting, PostingKind
from adapters.finance.wire import bookings_xml

BOOKING = BookedPosting(
    sequence=1,
    posting_id="P000000001",
    key="k-1",
    kind=PostingKind.PAYMENT,
    account="5.28.21",
    period="2027-01",
    amount_ore=3_000_000,
    reference="m-1",
    case_reference="C-1",
    booked_on=dt.date(2027, 1, 26),
)


def _feed_answering(body):
    async def app(_scope, receive, send):
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        headers = [(b"content-type", b"text/xml; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://finance")


async def test_a_feed_answer_within_the_cap_is_read():
    async with _feed_answering(bookings_xml([BOOKING])) as http:
        assert await FinanceClient(http).booked_after("101", 0) == [BOOKING]


async def test_a_feed_answer_over_the_cap_is_unavailable():
    # Well-formed bookings, only too many: without the cap they would all be read.
    many = [dataclasses.replace(BOOKING, sequence=n) for n in range(1, 5000)]
    body = bookings_xml(many)
    assert len(body) > MAX_ANSWER_BYTES
    async with _feed_answering(body) as http:
        with pytest.raises(FinanceUnavailableError, match=f"answer over {MAX_ANSWER_BYTES} bytes"):
            await FinanceClient(http).booked_after("101", 0)
