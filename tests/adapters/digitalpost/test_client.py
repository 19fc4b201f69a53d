"""The SF1601 client against the wire stand-in: outcomes, receipts, failures, hostile answers."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from adapters.digitalpost import (
    Channel,
    DigitalPostClient,
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    InvalidMessageError,
    KombiChoice,
    MalformedAnswerError,
    Outcome,
    RecipientRejectedError,
)
from adapters.digitalpost.standin import DigitalPostStandin, Failure, Reach
from hub.runtime.serve import serving
from tests.adapters.digitalpost.letters import SENDER, letter
from tests.adapters.digitalpost.payloads import BOMB, XXE
from tests.adapters.digitalpost.tokens import tokens_on
from tests.people import CHILD, MOTHER, cpr_for

UNKNOWN = cpr_for(dt.date(1985, 1, 1), 777)
UNREACHABLE = cpr_for(dt.date(1970, 5, 5), 111)
TITLE = "Afgørelse om anbringelse"
POPULATION = {MOTHER: Reach.DIGITAL, CHILD: Reach.PRINT_ONLY, UNREACHABLE: Reach.UNREACHABLE}
BASE = "https://sf1601.test"


@pytest.fixture
def standin() -> DigitalPostStandin:
    return DigitalPostStandin(POPULATION)


def client_for(standin: DigitalPostStandin, **options) -> DigitalPostClient:
    http = httpx.AsyncClient(base_url=BASE, transport=standin.transport())
    return DigitalPostClient(http, tokens=tokens_on(http), receipts_cvr=SENDER.cvr, **options)


async def warmed(standin: DigitalPostStandin) -> DigitalPostClient:
    """A client that holds its token already, so a failure switched on meets SF1601 itself."""
    http = httpx.AsyncClient(base_url=BASE, transport=standin.transport())
    tokens = tokens_on(http)
    await tokens.token(SENDER.cvr)
    return DigitalPostClient(http, tokens=tokens, receipts_cvr=SENDER.cvr)


def assert_tells_nothing(error: BaseException, *secrets: str) -> None:
    text = f"{error!s} {error!r}"
    for secret in (MOTHER, CHILD, UNKNOWN, TITLE, *secrets):
        assert secret not in text
    assert error.__cause__ is None
    assert error.__suppress_context__


class TestAccepted:
    async def test_a_letter_to_a_digital_post_user_goes_digital(self, standin):
        sent = letter(recipient=MOTHER, title=TITLE)
        receipt = await client_for(standin).send(sent)
        assert receipt.channel is Channel.DIGITAL
        assert receipt.message_uuid == sent.message_uuid
        assert list(standin.deliveries) == [sent.message_uuid]
        assert standin.deliveries[sent.message_uuid].message_id == sent.message_id

    async def test_the_delivery_receipt_comes_later_on_the_feed(self, standin):
        standin.settle_on_read = False
        client = client_for(standin)
        sent = letter(recipient=MOTHER)
        await client.send(sent)
        assert (await client.receipts(since=0)).receipts == ()
        standin.settle()
        page = await client.receipts(since=0)
        assert [(r.message_uuid, r.message_id, r.outcome) for r in page.receipts] == [
            (sent.message_uuid, sent.message_id, Outcome.DELIVERED)
        ]
        assert (await client.receipts(since=page.next_since)).receipts == ()

    async def test_a_redelivered_letter_is_recognised_not_delivered_again(self, standin):
        client = client_for(standin)
        first = await client.send(letter("evt-7", MOTHER))
        again = await client.send(letter("evt-7", MOTHER))
        assert again == first
        assert len(standin.deliveries) == 1
        assert standin.duplicates == 1
        assert len((await client.receipts(since=0)).receipts) == 1


class TestPrintFallback:
    async def test_without_digital_post_the_letter_is_printed(self, standin):
        client = client_for(standin)
        receipt = await client.send(letter(recipient=CHILD))
        assert receipt.channel is Channel.PRINT
        [printed] = (await client.receipts(since=0)).receipts
        assert printed.outcome is Outcome.PRINTED
        assert printed.reason is None

    async def test_digital_only_without_digital_post_fails_with_a_code(self, standin):
        client = client_for(standin, choice=KombiChoice.DIGITAL)
        await client.send(letter(recipient=CHILD))
        [failed] = (await client.receipts(since=0)).receipts
        assert (failed.outcome, failed.reason) == (Outcome.FAILED, "NO_DIGITAL_POST")

    async def test_print_that_cannot_be_delivered_fails(self, standin):
        client = client_for(standin)
        await client.send(letter(recipient=UNREACHABLE))
        [failed] = (await client.receipts(since=0)).receipts
        assert (failed.outcome, failed.reason) == (Outcome.FAILED, "PRINT_FAILED")


class TestErrors:
    async def test_an_unknown_recipient_is_rejected_permanently(self, standin):
        with pytest.raises(RecipientRejectedError, match="MODTAGER_UKENDT") as caught:
            await client_for(standin).send(letter(recipient=UNKNOWN, title=TITLE))
        assert_tells_nothing(caught.value)
        assert standin.deliveries == {}

    @pytest.mark.parametrize(
        ("failure", "error", "text"),
        [
            (Failure.SERVER_ERROR, DigitalPostUnavailableError, "HTTP 503"),
            (Failure.TIMEOUT, DigitalPostUnavailableError, "timeout"),
            (Failure.UNAUTHORISED, DigitalPostRefusedError, "HTTP 401"),
            (Failure.FORBIDDEN, DigitalPostRefusedError, "HTTP 403"),
            (Failure.MALFORMED_ANSWER, MalformedAnswerError, "not well-formed"),
        ],
    )
    async def test_failures_become_port_errors_that_tell_nothing(
        self, standin, failure, error, text
    ):
        client = await warmed(standin)
        standin.failure = failure
        with pytest.raises(error, match=text) as caught:
            await client.send(letter(recipient=MOTHER, title=TITLE))
        assert_tells_nothing(caught.value)
        with pytest.raises(error, match=text):
            await client.receipts(since=0)
        assert standin.deliveries == {}

    @pytest.mark.parametrize("payload", [XXE, BOMB], ids=["xxe", "bomb"])
    async def test_a_hostile_answer_is_refused_unread(self, standin, payload):
        client = await warmed(standin)
        standin.failure = Failure.MALFORMED_ANSWER
        standin.malformed_answer = payload
        with pytest.raises(MalformedAnswerError, match="unsafe answer") as caught:
            await client.send(letter(recipient=MOTHER))
        assert "passwd" not in str(caught.value)
        assert_tells_nothing(caught.value)

    async def test_a_refusal_quoting_the_request_is_reduced_to_its_code(self):
        quoted = (
            "<kombi_response><Result>false</Result>"
            f"<FejlKode>{MOTHER} {TITLE}</FejlKode></kombi_response>"
        )

        def handler(_request: httpx.Request) -> httpx.Response:
            return httpx.Response(400, content=quoted.encode())

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(InvalidMessageError, match="code unreadable") as caught:
            await DigitalPostClient(http).send(letter(recipient=MOTHER))
        assert_tells_nothing(caught.value)

    async def test_a_success_without_transmission_id_is_malformed(self):
        def handler(_request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200, content=b"<kombi_response><Result>true</Result></kombi_response>"
            )

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(MalformedAnswerError, match="TransmissionId"):
            await DigitalPostClient(http).send(letter())

    async def test_a_receipt_without_time_zone_is_malformed(self):
        feed = (
            '<receipts next="1"><receipt sequence="1" messageID="evt-1" outcome="DELIVERED"'
            ' messageUUID="3f1d2b8e-4a5c-4e6f-9a0b-1c2d3e4f5a6b" at="2026-11-25T10:00:00"/>'
            "</receipts>"
        )

        def handler(_request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, content=feed.encode())

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(MalformedAnswerError, match="incomplete"):
            await DigitalPostClient(http).receipts(since=0)

    async def test_a_connection_failure_is_transient(self):
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError(f"cannot reach {MOTHER}", request=request)

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(DigitalPostUnavailableError, match="ConnectError") as caught:
            await DigitalPostClient(http).send(letter())
        assert_tells_nothing(caught.value)


class TestOverRealHttp:
    async def test_send_duplicate_and_receipts_over_loopback(self, standin):
        async with (
            serving(standin.asgi()) as url,
            httpx.AsyncClient(base_url=url, timeout=5) as http,
        ):
            client = DigitalPostClient(http, tokens=tokens_on(http), receipts_cvr=SENDER.cvr)
            first = await client.send(letter("evt-9", MOTHER))
            assert await client.send(letter("evt-9", MOTHER)) == first
            page = await client.receipts(since=0)
        assert [r.outcome for r in page.receipts] == [Outcome.DELIVERED]
        assert standin.duplicates == 1

    async def test_a_hanging_service_times_out_as_unavailable(self, standin):
        async with (
            serving(standin.asgi()) as url,
            httpx.AsyncClient(base_url=url, timeout=0.3) as http,
        ):
            client = DigitalPostClient(http, tokens=tokens_on(http))
            await client.send(letter("evt-1", MOTHER))  # the token is obtained
            standin.failure = Failure.TIMEOUT
            with pytest.raises(DigitalPostUnavailableError, match="timeout"):
                await client.send(letter(recipient=MOTHER))
            standin.failure = Failure.NONE
            receipt = await client.send(letter(recipient=MOTHER))
        assert receipt.channel is Channel.DIGITAL
