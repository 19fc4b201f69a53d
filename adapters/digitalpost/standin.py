"""Digital Post, locally: an in-memory fake of the port and a wire-level SF1601 stand-in.

``InMemoryDigitalPost`` fakes the port for wiring tests. ``DigitalPostStandin`` answers real
kombi requests over HTTP: it checks them (hardened parser, ``_inbound.check_kombi``),
recognises a redelivery by its MessageUUID, and reports receipts later on
``GET …/receipts?since=``. It plays the two token endpoints as well (the STS issues an
assertion for a CVR number, the AccessTokenService exchanges it for an access token with
``expires_in``) and answers a kombi or receipt call without a known, unexpired token 401,
and a kombi call whose MeMo sender is not the token's CVR 403. The same handler serves
``httpx.MockTransport`` and a small ASGI app for ``hub.runtime.serve.serving``. A synthetic
population decides who has Digital Post.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import json
import secrets
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

import httpx
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.digitalpost._inbound import Inbound, RefusedError, check_kombi
from adapters.digitalpost.client import KOMBI_PATH, RECEIPTS_PATH, RECIPIENT_UNKNOWN, KombiChoice
from adapters.digitalpost.errors import (
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    RecipientRejectedError,
)
from adapters.digitalpost.letter import Letter
from adapters.digitalpost.port import Channel, Outcome, Receipt, ReceiptPage, SendReceipt
from adapters.digitalpost.token import KOMBI_ENTITY_ID, STS_PATH, TOKEN_PATH
from contracts.cpr import Cpr
from hub.runtime.xmlsafe import MalformedXmlError, UnsafeXmlError, parse_xml

__all__ = ["Delivery", "DigitalPostStandin", "Failure", "InMemoryDigitalPost", "Reach", "decide"]

NO_DIGITAL_POST: Final = "NO_DIGITAL_POST"
PRINT_FAILED: Final = "PRINT_FAILED"
_XML: Final = "application/xml"
_JSON: Final = "application/json"
_CVR_DIGITS: Final = 8


class Reach(enum.Enum):
    """How a person in the synthetic population can be reached."""

    DIGITAL = "digital"  # has Digital Post
    PRINT_ONLY = "print-only"  # exempt from Digital Post: physical letter (SF1600)
    UNREACHABLE = "unreachable"  # neither works (for example no usable address)


class Failure(enum.Enum):
    """A failure the wire stand-in can be switched to, at run time."""

    NONE = "none"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"  # 503
    UNAUTHORISED = "unauthorised"  # 401
    FORBIDDEN = "forbidden"  # 403
    MALFORMED_ANSWER = "malformed-answer"  # 200 with ``malformed_answer`` as body


def decide(choice: KombiChoice, reach: Reach) -> tuple[Channel, Outcome, str | None]:
    """The channel SF1601 picks and what finally happens (SF1600 print as the fallback)."""
    if choice is KombiChoice.DIGITAL:
        if reach is Reach.DIGITAL:
            return Channel.DIGITAL, Outcome.DELIVERED, None
        return Channel.DIGITAL, Outcome.FAILED, NO_DIGITAL_POST
    if choice is KombiChoice.AUTOMATIC and reach is Reach.DIGITAL:
        return Channel.DIGITAL, Outcome.DELIVERED, None
    if reach is Reach.UNREACHABLE:
        return Channel.PRINT, Outcome.FAILED, PRINT_FAILED
    return Channel.PRINT, Outcome.PRINTED, None


def _digits(population: Mapping[str, Reach]) -> dict[str, Reach]:
    return {Cpr(key).reveal(): reach for key, reach in population.items()}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class _Pending:
    message_uuid: uuid.UUID
    message_id: str
    outcome: Outcome
    reason: str | None


class _Feed:
    """Receipts that become visible only when settled: after the send, never in it."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self._clock = clock
        self.pending: list[_Pending] = []
        self.receipts: list[Receipt] = []

    def settle(self) -> None:
        for item in self.pending:
            self.receipts.append(
                Receipt(
                    sequence=len(self.receipts) + 1,
                    message_uuid=item.message_uuid,
                    message_id=item.message_id,
                    outcome=item.outcome,
                    at=self._clock(),
                    reason=item.reason,
                )
            )
        self.pending.clear()

    def page(self, since: int) -> ReceiptPage:
        later = tuple(r for r in self.receipts if r.sequence > since)
        return ReceiptPage(later, later[-1].sequence if later else since)


class InMemoryDigitalPost:
    """The port, faked: records ``.sent``, recognises duplicates, can be switched to fail.

    People not in ``population`` get ``default``; with ``default=None`` they are rejected.
    Receipts appear when ``receipts`` is called (or ``settle()``), not at the send.
    """

    def __init__(
        self,
        population: Mapping[str, Reach] | None = None,
        *,
        default: Reach | None = Reach.DIGITAL,
        choice: KombiChoice = KombiChoice.AUTOMATIC,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._population = _digits(population or {})
        self._default = default
        self._choice = choice
        self._feed = _Feed(clock)
        self._accepted: dict[uuid.UUID, SendReceipt] = {}
        self.sent: list[Letter] = []
        self.duplicates = 0
        self.down = False
        self.refused = False

    async def send(self, letter: Letter) -> SendReceipt:
        """Take the letter once; a letter with a known MessageUUID is answered again."""
        if self.refused:
            msg = "in-memory Digital Post send: refused"
            raise DigitalPostRefusedError(msg)
        if self.down:
            msg = "in-memory Digital Post send: unavailable"
            raise DigitalPostUnavailableError(msg)
        known = self._accepted.get(letter.message_uuid)
        if known is not None:
            self.duplicates += 1
            return known
        reach = self._population.get(letter.recipient.reveal(), self._default)
        if reach is None:
            msg = f"in-memory Digital Post send: refused, code {RECIPIENT_UNKNOWN}"
            raise RecipientRejectedError(msg)
        channel, outcome, reason = decide(self._choice, reach)
        receipt = SendReceipt(letter.message_uuid, f"mem-{len(self._accepted) + 1}", channel)
        self._accepted[letter.message_uuid] = receipt
        self.sent.append(letter)
        self._feed.pending.append(
            _Pending(letter.message_uuid, letter.memo_message_id, outcome, reason)
        )
        return receipt

    async def receipts(self, since: int) -> ReceiptPage:
        """Settle what is pending, then the receipts after ``since``."""
        if self.refused:
            msg = "in-memory Digital Post receipts: refused"
            raise DigitalPostRefusedError(msg)
        if self.down:
            msg = "in-memory Digital Post receipts: unavailable"
            raise DigitalPostUnavailableError(msg)
        self._feed.settle()
        return self._feed.page(since)

    def settle(self) -> None:
        """Turn every pending delivery into a receipt."""
        self._feed.settle()


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: bytes = b""
    hang: bool = False
    media_type: str = _XML


@dataclass(frozen=True, slots=True)
class Delivery:
    """One accepted message, as the stand-in saw it (the recipient masked in ``repr``)."""

    message_uuid: uuid.UUID
    message_id: str
    recipient: Cpr
    channel: Channel
    transmission_id: str
    sender_cvr: str = ""


def _kombi_answer(values: Mapping[str, str]) -> bytes:
    root = etree.Element("kombi_response")
    for name, text in values.items():
        etree.SubElement(root, name).text = text
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _refusal(status: int, code: str, where: str = "") -> _Answer:
    values = {"Result": "false", "FejlKode": code}
    if where:
        values["FejlSted"] = where
    return _Answer(status, _kombi_answer(values))


class DigitalPostStandin:
    """SF1601 KombiPostAfsend on the wire, with a receipt feed and runtime failure switches.

    ``failure`` applies to every request until it is set back to ``Failure.NONE``.
    ``refusals`` lists the codes and element paths of refused requests (never values).
    """

    def __init__(
        self,
        population: Mapping[str, Reach],
        *,
        clock: Callable[[], dt.datetime] = _utc_now,
        settle_on_read: bool = True,
        hang_seconds: float = 5.0,
    ) -> None:
        self._population = _digits(population)
        self._feed = _Feed(clock)
        self.settle_on_read = settle_on_read
        self.hang_seconds = hang_seconds
        self.failure = Failure.NONE
        self.malformed_answer = b"<kombi_response><Result>true</Res"
        self.deliveries: dict[uuid.UUID, Delivery] = {}
        self.duplicates = 0
        self.refusals: list[tuple[str, str]] = []
        # Messages to these recipients (CPR digits) answer 503 while listed: a send that
        # fails part-way through a letter to several recipients.
        self.unavailable_for: set[str] = set()
        self.unavailable_answers = 0  # how many messages were answered 503 for that
        self._clock = clock
        self.token_lifetime_s = 3600
        self.refuse_sts = False  # the STS answers 403 while set
        self.sts_requests: list[str] = []  # the CVR number of each assertion issued
        self.use_keys: dict[str, str] = {}  # the last UseKey (certificate) by CVR number
        self.tokens_issued = 0
        self.unauthorised = 0  # calls answered 401 for want of a good token
        self._assertions: dict[str, str] = {}  # assertion -> CVR
        self._tokens: dict[str, tuple[str, dt.datetime]] = {}  # token -> CVR, expiry

    def expire_tokens(self) -> None:
        """Every access token issued so far expires now (the client must renew)."""
        now = self._clock()
        self._tokens = {token: (cvr, now) for token, (cvr, _) in self._tokens.items()}

    # -- the one handler -------------------------------------------------------------

    def answer(  # noqa: PLR0911 - one branch per kind of answer reads best here
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Answer:
        """The answer to one request, whatever carries it (``headers`` with lowercase keys)."""
        failed = self._failure()
        if failed is not None:
            return failed
        if method == "POST" and path == STS_PATH:
            return self._issue(body)
        if method == "POST" and path == TOKEN_PATH:
            return self._exchange(body)
        cvr = self._token_cvr(headers.get("authorization", ""))
        if cvr is None:
            self.unauthorised += 1
            return _Answer(HTTPStatus.UNAUTHORIZED)
        if not _is_uuid(headers.get("x-transaktionsid", "")):
            return self._refuse(HTTPStatus.BAD_REQUEST, "MANGLER_TRANSAKTIONSID")
        if method == "POST" and path == KOMBI_PATH:
            if headers.get("content-type", "").split(";")[0].strip() != _XML:
                return self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "UGYLDIG_CONTENT_TYPE")
            if "x-transaktionstid" not in headers:
                return self._refuse(HTTPStatus.BAD_REQUEST, "MANGLER_TRANSAKTIONSTID")
            return self._kombi(body, cvr)
        if method == "GET" and path == RECEIPTS_PATH:
            return self._receipts(query.get("since", "0"))
        return _Answer(HTTPStatus.NOT_FOUND)

    def _failure(self) -> _Answer | None:
        answers = {
            Failure.TIMEOUT: _Answer(HTTPStatus.GATEWAY_TIMEOUT, hang=True),
            Failure.SERVER_ERROR: _Answer(HTTPStatus.SERVICE_UNAVAILABLE, b"down"),
            Failure.UNAUTHORISED: _Answer(HTTPStatus.UNAUTHORIZED),
            Failure.FORBIDDEN: _Answer(HTTPStatus.FORBIDDEN),
            Failure.MALFORMED_ANSWER: _Answer(HTTPStatus.OK, self.malformed_answer),
        }
        return answers.get(self.failure)

    def _refuse(self, status: int, code: str, where: str = "") -> _Answer:
        self.refusals.append((code, where))
        return _refusal(status, code, where)

    # -- tokens ------------------------------------------------------------------------

    def _issue(self, body: bytes) -> _Answer:
        if self.refuse_sts:
            return _Answer(HTTPStatus.FORBIDDEN)
        try:
            request = json.loads(body)
            cvr = request["AnvenderKontekst"]["Cvr"]
            address = request["AppliesTo"]["EndpointReference"]["Address"]
            use_key = request["UseKey"]
        except (ValueError, KeyError, TypeError):
            return _Answer(HTTPStatus.BAD_REQUEST)
        if (
            not isinstance(cvr, str)
            or len(cvr) != _CVR_DIGITS
            or not cvr.isdigit()
            or address != KOMBI_ENTITY_ID
            or not isinstance(use_key, str)
        ):
            return _Answer(HTTPStatus.BAD_REQUEST)
        assertion = f'<saml:Assertion ID="_{secrets.token_hex(16)}" Cvr="{cvr}"/>'
        self._assertions[assertion] = cvr
        self.sts_requests.append(cvr)
        self.use_keys[cvr] = use_key
        answer = {"RequestedSecurityToken": {"Assertion": assertion}}
        return _Answer(HTTPStatus.OK, json.dumps(answer).encode(), media_type=_JSON)

    def _exchange(self, body: bytes) -> _Answer:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        (assertion,) = form.get("saml-token", [""])
        cvr = self._assertions.pop(assertion, None)  # an assertion is used once
        if cvr is None:
            return _Answer(HTTPStatus.BAD_REQUEST)
        token = str(uuid.uuid4())
        lifetime = self.token_lifetime_s
        self._tokens[token] = (cvr, self._clock() + dt.timedelta(seconds=lifetime))
        self.tokens_issued += 1
        answer = {"access_token": token, "token_type": "Holder-of-key", "expires_in": lifetime}
        return _Answer(HTTPStatus.OK, json.dumps(answer).encode(), media_type=_JSON)

    def _token_cvr(self, authorization: str) -> str | None:
        """The CVR of a known, unexpired token in the header; None: no such token."""
        kind, _, token = authorization.partition(" ")
        known = self._tokens.get(token) if kind == "Holder-of-key" else None
        if known is None or self._clock() >= known[1]:
            return None
        return known[0]

    # -- kombi and receipts --------------------------------------------------------------

    def _kombi(self, body: bytes, cvr: str) -> _Answer:
        try:
            inbound = check_kombi(parse_xml(body))
        except UnsafeXmlError:
            return self._refuse(HTTPStatus.BAD_REQUEST, "USIKKER_XML")
        except MalformedXmlError:
            return self._refuse(HTTPStatus.BAD_REQUEST, "UGYLDIG_XML")
        except RefusedError as exc:
            return self._refuse(HTTPStatus.BAD_REQUEST, exc.code, exc.where)
        if inbound.sender_id != cvr:
            # The token is the agreement of one CVR number: it cannot send for another.
            return self._refuse(HTTPStatus.FORBIDDEN, "AFSENDER_UDEN_AFTALE")
        known = self.deliveries.get(inbound.message_uuid)
        if known is not None:
            # A redelivery: answer as before, deliver nothing again.
            self.duplicates += 1
            return self._accepted(known)
        return self._deliver(inbound)

    def _deliver(self, inbound: Inbound) -> _Answer:
        if inbound.recipient_id in self.unavailable_for:
            self.unavailable_answers += 1
            return _Answer(HTTPStatus.SERVICE_UNAVAILABLE, b"down")
        if inbound.message_type != "DIGITALPOST" or inbound.choice == "NemSMS":
            return self._refuse(HTTPStatus.BAD_REQUEST, "IKKE_UNDERSTOETTET")
        reach = (
            self._population.get(inbound.recipient_id)
            if inbound.recipient_id_type == "CPR"
            else None
        )
        if reach is None:
            return self._refuse(HTTPStatus.BAD_REQUEST, RECIPIENT_UNKNOWN)
        channel, outcome, reason = decide(KombiChoice(inbound.choice), reach)
        delivery = Delivery(
            message_uuid=inbound.message_uuid,
            message_id=inbound.message_id,
            recipient=Cpr(inbound.recipient_id),
            channel=channel,
            transmission_id=str(uuid.uuid4()),
            sender_cvr=inbound.sender_id,
        )
        self.deliveries[inbound.message_uuid] = delivery
        self._feed.pending.append(
            _Pending(inbound.message_uuid, inbound.message_id, outcome, reason)
        )
        return self._accepted(delivery)

    @staticmethod
    def _accepted(delivery: Delivery) -> _Answer:
        values = {
            "Result": "true",
            "TransmissionId": delivery.transmission_id,
            "KanalKode": delivery.channel.value,
        }
        return _Answer(HTTPStatus.OK, _kombi_answer(values))

    def _receipts(self, since: str) -> _Answer:
        if not since.isdigit():
            return self._refuse(HTTPStatus.BAD_REQUEST, "UGYLDIG_SINCE")
        if self.settle_on_read:
            self._feed.settle()
        page = self._feed.page(int(since))
        root = etree.Element("receipts", next=str(page.next_since))
        for receipt in page.receipts:
            item = etree.SubElement(
                root,
                "receipt",
                sequence=str(receipt.sequence),
                messageUUID=str(receipt.message_uuid),
                messageID=receipt.message_id,
                outcome=receipt.outcome.value,
                at=receipt.at.isoformat(),
            )
            if receipt.reason is not None:
                item.set("reason", receipt.reason)
        return _Answer(HTTPStatus.OK, etree.tostring(root, encoding="UTF-8"))

    def settle(self) -> None:
        """Turn every pending delivery into a receipt (when ``settle_on_read`` is off)."""
        self._feed.settle()

    # -- carriers ----------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """One httpx request answered (tests wrap it); a timeout is raised as httpx would."""
        answer = self.answer(
            request.method,
            request.url.path,
            dict(request.url.params),
            {key.lower(): value for key, value in request.headers.items()},
            request.content,
        )
        if answer.hang:
            msg = "stand-in: no answer"
            raise httpx.ReadTimeout(msg, request=request)
        return httpx.Response(answer.status, content=answer.body, headers=_headers(answer))

    def transport(self) -> httpx.MockTransport:
        """The stand-in as an httpx transport (``handle``)."""
        return httpx.MockTransport(self.handle)

    def set_down(self, on: bool) -> None:  # noqa: FBT001 - a switch
        """Switch an outage on (every request answered 5xx) or off again."""
        self.failure = Failure.SERVER_ERROR if on else Failure.NONE

    def asgi(self) -> Starlette:
        """The stand-in as an ASGI app, for ``hub.runtime.serve.serving``."""

        async def endpoint(request: Request) -> Response:
            answer = self.answer(
                request.method,
                request.url.path,
                dict(request.query_params),
                {key.lower(): value for key, value in request.headers.items()},
                await request.body(),
            )
            if answer.hang:
                # Hang until the client gives up, or the switch is turned off.
                waited = 0.0
                while self.failure is Failure.TIMEOUT and waited < self.hang_seconds:
                    await asyncio.sleep(0.05)
                    waited += 0.05
            return Response(answer.body, answer.status, headers=_headers(answer))

        return Starlette(
            routes=[
                Route(KOMBI_PATH, endpoint, methods=["POST"]),
                Route(RECEIPTS_PATH, endpoint, methods=["GET"]),
                Route(STS_PATH, endpoint, methods=["POST"]),
                Route(TOKEN_PATH, endpoint, methods=["POST"]),
            ]
        )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _headers(answer: _Answer) -> dict[str, str]:
    return {"content-type": answer.media_type} if answer.body else {}
