"""The SF1601 access token: obtained from the stand-in's STS and token service, cached, renewed."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from structlog.testing import capture_logs

from adapters.digitalpost import (
    DigitalPostClient,
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    MalformedAnswerError,
)
from adapters.digitalpost.client import KOMBI_PATH
from adapters.digitalpost.standin import DigitalPostStandin, Failure, Reach
from adapters.digitalpost.token import STS_PATH, TOKEN_PATH, Agreement, ServiceplatformenTokens
from hub.runtime.errors import AuthorisationError, UnavailableError
from hub.runtime.serve import serving
from tests.adapters.digitalpost.letters import SENDER, letter
from tests.adapters.digitalpost.tokens import FakeClock, tokens_on
from tests.people import MOTHER

BASE = "https://sf1601.test"


@pytest.fixture
def standin() -> DigitalPostStandin:
    return DigitalPostStandin({MOTHER: Reach.DIGITAL})


def http_on(standin: DigitalPostStandin) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=BASE, transport=standin.transport())


def tells_nothing(error: BaseException, *secrets: str) -> None:
    text = f"{error!s} {error!r}"
    for secret in secrets:
        assert secret not in text
    assert error.__cause__ is None
    assert error.__suppress_context__


class TestObtained:
    async def test_the_token_comes_from_the_sts_assertion_and_is_sent_on_every_call(self, standin):
        http = http_on(standin)
        client = DigitalPostClient(http, tokens=tokens_on(http), receipts_cvr=SENDER.cvr)
        await client.send(letter("evt-1", MOTHER))
        await client.send(letter("evt-2", MOTHER))
        await client.receipts(since=0)
        assert standin.sts_requests == [SENDER.cvr]
        assert standin.tokens_issued == 1, "cached between calls"
        assert standin.unauthorised == 0
        assert len(standin.deliveries) == 2

    async def test_without_a_token_the_service_answers_401(self, standin):
        client = DigitalPostClient(http_on(standin))  # no token port
        with pytest.raises(DigitalPostRefusedError, match="HTTP 401"):
            await client.send(letter(recipient=MOTHER))
        assert standin.deliveries == {}

    async def test_a_made_up_token_is_refused(self, standin):
        async with http_on(standin) as http:
            response = await http.post(
                KOMBI_PATH, content=b"<x/>", headers={"authorization": "Holder-of-key guess"}
            )
        assert response.status_code == 401

    async def test_the_token_is_never_shown(self, standin):
        http = http_on(standin)
        tokens = tokens_on(http)
        with capture_logs() as logs:
            token = await tokens.token(SENDER.cvr)
        assert [line["event"] for line in logs] == ["sf1601_token_obtained"]
        assert token.value not in repr(logs)
        assert token.value not in repr(token)
        assert token.value not in repr(tokens)
        assert token.authorization == f"Holder-of-key {token.value}"

    async def test_a_sender_cannot_send_on_another_agreement_s_token(self, standin):
        http = http_on(standin)
        other = "87654321"
        tokens = tokens_on(http, other)
        token = await tokens.token(other)
        # The client asks for the sender's own agreement; here it is forced onto another's.
        client = DigitalPostClient(http, tokens=_Always(token))
        with pytest.raises(DigitalPostRefusedError, match="HTTP 403"):
            await client.send(letter(recipient=MOTHER))
        assert standin.refusals == [("AFSENDER_UDEN_AFTALE", "")]


class _Always:
    """A token port that always hands out one token."""

    def __init__(self, token):
        self._token = token

    async def token(self, _cvr):
        return self._token

    async def renew(self, _cvr, _refused):
        return self._token


class TestRenewed:
    async def test_renewed_a_margin_before_it_expires(self, standin):
        clock = FakeClock()
        tokens = tokens_on(http_on(standin), clock=clock, margin_s=60)
        first = await tokens.token(SENDER.cvr)
        clock.now += 3600 - 61
        assert await tokens.token(SENDER.cvr) is first
        clock.now += 2  # 59 s left: inside the margin
        second = await tokens.token(SENDER.cvr)
        assert second is not first
        assert second.value != first.value
        assert standin.tokens_issued == 2

    async def test_a_short_lived_token_is_renewed_at_ten_percent(self, standin):
        standin.token_lifetime_s = 100
        clock = FakeClock()
        tokens = tokens_on(http_on(standin), clock=clock, margin_s=60)
        first = await tokens.token(SENDER.cvr)
        clock.now += 89
        assert await tokens.token(SENDER.cvr) is first
        clock.now += 2
        assert await tokens.token(SENDER.cvr) is not first

    async def test_a_401_renews_once_and_the_call_succeeds(self, standin):
        http = http_on(standin)
        tokens = tokens_on(http)
        client = DigitalPostClient(http, tokens=tokens, receipts_cvr=SENDER.cvr)
        await client.send(letter("evt-1", MOTHER))
        standin.expire_tokens()  # earlier than the token said
        await client.send(letter("evt-2", MOTHER))
        assert standin.unauthorised == 1
        assert standin.tokens_issued == 2
        assert len(standin.deliveries) == 2

    async def test_a_second_401_is_the_breaker_s_authorisation_path(self, standin):
        kombi_calls = []

        def handler(request: httpx.Request):
            if request.url.path == KOMBI_PATH:
                kombi_calls.append(request.headers["authorization"])
                return httpx.Response(401)
            return standin_handler(request)

        standin_handler = standin.handle
        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        client = DigitalPostClient(http, tokens=tokens_on(http))
        with pytest.raises(DigitalPostRefusedError, match="HTTP 401") as caught:
            await client.send(letter(recipient=MOTHER))
        assert isinstance(caught.value, AuthorisationError)
        assert len(kombi_calls) == 2, "renewed once, tried once more"
        assert kombi_calls[0] != kombi_calls[1]
        assert standin.tokens_issued == 2
        tells_nothing(caught.value, *kombi_calls)

    async def test_concurrent_callers_share_one_renewal(self, standin):
        gate = asyncio.Event()
        waiting = []
        standin_handler = standin.handle

        async def handler(request: httpx.Request):
            waiting.append(request.url.path)
            await gate.wait()
            return standin_handler(request)

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        tokens = tokens_on(http)
        callers = [asyncio.create_task(tokens.token(SENDER.cvr)) for _ in range(5)]
        async with asyncio.timeout(5):
            while not waiting:
                await asyncio.sleep(0)
            for _ in range(20):  # give every caller the chance to reach the service
                await asyncio.sleep(0)
        gate.set()
        got = await asyncio.gather(*callers)
        assert len({id(token) for token in got}) == 1
        assert standin.sts_requests == [SENDER.cvr]

        gate.clear()
        waiting.clear()
        stale = got[0]
        renewals = [asyncio.create_task(tokens.renew(SENDER.cvr, stale)) for _ in range(5)]
        async with asyncio.timeout(5):
            while not waiting:
                await asyncio.sleep(0)
            for _ in range(20):
                await asyncio.sleep(0)
        gate.set()
        renewed = await asyncio.gather(*renewals)
        assert len({id(token) for token in renewed}) == 1
        assert renewed[0] is not stale
        assert standin.tokens_issued == 2


class TestTokenEndpointFailures:
    async def test_a_refused_sts_is_an_authorisation_error(self, standin):
        standin.refuse_sts = True
        client = DigitalPostClient(http_on(standin), tokens=tokens_on(http_on(standin)))
        with pytest.raises(DigitalPostRefusedError, match=r"STS\): HTTP 403") as caught:
            await client.send(letter(recipient=MOTHER))
        assert isinstance(caught.value, AuthorisationError)
        assert standin.deliveries == {}

    @pytest.mark.parametrize(
        ("failure", "text"),
        [(Failure.SERVER_ERROR, "HTTP 503"), (Failure.TIMEOUT, "timeout")],
    )
    async def test_an_sts_that_does_not_answer_is_unavailable(self, standin, failure, text):
        standin.failure = failure
        tokens = tokens_on(http_on(standin))
        with pytest.raises(DigitalPostUnavailableError, match=text) as caught:
            await tokens.token(SENDER.cvr)
        assert isinstance(caught.value, UnavailableError)

    @pytest.mark.parametrize(
        ("status", "error"),
        [
            (400, DigitalPostRefusedError),
            (401, DigitalPostRefusedError),
            (429, DigitalPostUnavailableError),
            (502, DigitalPostUnavailableError),
        ],
    )
    async def test_the_token_service_s_status_maps_onto_the_hub_s_errors(
        self, standin, status, error
    ):
        standin_handler = standin.handle

        def handler(request: httpx.Request):
            if request.url.path == TOKEN_PATH:
                return httpx.Response(status, content=request.content)  # quotes the assertion
            return standin_handler(request)

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(error, match=rf"access token\): HTTP {status}") as caught:
            await tokens_on(http).token(SENDER.cvr)
        tells_nothing(caught.value, "Assertion", "saml")

    @pytest.mark.parametrize(
        "answer",
        [
            b"not json",
            b"[]",
            b'{"access_token": "t", "token_type": "Holder-of-key"}',
            b'{"access_token": "t", "token_type": "Holder-of-key", "expires_in": "3600"}',
            b'{"access_token": "", "token_type": "Holder-of-key", "expires_in": 3600}',
            b'{"access_token": "t\\r\\nX: y", "token_type": "Holder-of-key", "expires_in": 3600}',
        ],
    )
    async def test_an_unexpected_token_answer_is_malformed(self, standin, answer):
        standin_handler = standin.handle

        def handler(request: httpx.Request):
            if request.url.path == TOKEN_PATH:
                return httpx.Response(200, content=answer)
            return standin_handler(request)

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(MalformedAnswerError, match="unexpected answer"):
            await tokens_on(http).token(SENDER.cvr)

    async def test_a_sender_without_an_agreement_is_refused(self, standin):
        tokens = tokens_on(http_on(standin))
        with pytest.raises(DigitalPostRefusedError, match="no agreement"):
            await tokens.token("99999999")
        assert standin.sts_requests == []

    async def test_the_sts_request_is_the_documented_json(self):
        seen = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(json.loads(request.content))
            return httpx.Response(503)

        http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
        tokens = ServiceplatformenTokens({SENDER.cvr: Agreement(SENDER.cvr, "MIIB", http, http)})
        with pytest.raises(DigitalPostUnavailableError):
            await tokens.token(SENDER.cvr)
        [request] = seen
        assert request["AnvenderKontekst"] == {"Cvr": SENDER.cvr}
        assert request["UseKey"] == "MIIB"
        assert request["AppliesTo"] == {
            "EndpointReference": {"Address": "http://entityid.kombit.dk/service/kombipostafsend/1"}
        }
        assert request["TokenType"].endswith("#SAMLV2.0")


class TestOverRealHttp:
    async def test_the_loopback_stand_in_serves_the_token_endpoints(self, standin):
        async with (
            serving(standin.asgi()) as url,
            httpx.AsyncClient(base_url=url, timeout=5) as http,
        ):
            client = DigitalPostClient(http, tokens=tokens_on(http), receipts_cvr=SENDER.cvr)
            await client.send(letter("evt-1", MOTHER))
            standin.expire_tokens()
            await client.receipts(since=0)
            incomplete = await http.post(STS_PATH, content=b"{}")
        assert standin.tokens_issued == 2
        assert incomplete.status_code == 400
