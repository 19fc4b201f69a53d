"""SF1601 KombiPostAfsend over HTTP: the only module that speaks the service's protocol.

The request follows the public walkthroughs (itk-dev/serviceplatformen, python-serviceplatformen):
``POST /service/KombiPostAfsend_1/kombi`` with ``Content-Type: application/xml`` and the
headers ``x-TransaktionsId`` (a fresh UUID per attempt) and ``x-TransaktionsTid``, and
the body ``<kombi_request><KombiValgKode/><memo:Message/></kombi_request>``. The
``httpx.AsyncClient`` passed in carries the base URL, timeouts and the mutual-TLS context
(a sender with its own certificate has its own client, in ``own``). Every call carries the
access token of the sender's agreement (``Authorization: Holder-of-key …``, from the token
port, ``token.py``); a 401 renews the token once and tries once more.

The official answer format (SF1601 "Teknisk bilag", OpenAPI) is not public. The answer is
read by local element names, as python-serviceplatformen does: ``Result``,
``TransmissionId``, ``FejlKode``; and ``KanalKode`` when the service names the channel.
The receipt feed (``GET …/receipts?since=``) is this project's own shape, served by the
stand-in, until the real receipt channel is wired.

==============================  =============================================
answer                          error
==============================  =============================================
timeout, connection failure     ``DigitalPostUnavailableError``
429, 5xx                        ``DigitalPostUnavailableError``
401 (after one renewal), 403,   ``DigitalPostRefusedError`` (nothing can pass)
404, 405
400/422 code MODTAGER_UKENDT    ``RecipientRejectedError``
other 4xx, ``Result`` false     ``InvalidMessageError`` with the code
unsafe or unreadable XML        ``MalformedAnswerError`` (transient: a retry is a duplicate)
==============================  =============================================
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any, Final

import httpx
from lxml import etree

from adapters.digitalpost.errors import (
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    InvalidMessageError,
    MalformedAnswerError,
    RecipientRejectedError,
)
from adapters.digitalpost.letter import Letter
from adapters.digitalpost.memo import build_message
from adapters.digitalpost.port import Channel, Outcome, Receipt, ReceiptPage, SendReceipt
from adapters.digitalpost.token import AccessToken, TokenPort
from hub.runtime.xmlsafe import MalformedXmlError, UnsafeXmlError, parse_xml

__all__ = [
    "KOMBI_PATH",
    "RECEIPTS_PATH",
    "RECIPIENT_UNKNOWN",
    "DigitalPostClient",
    "KombiChoice",
    "kombi_request",
]

KOMBI_PATH: Final = "/service/KombiPostAfsend_1/kombi"
RECEIPTS_PATH: Final = "/service/KombiPostAfsend_1/receipts"
RECIPIENT_UNKNOWN: Final = "MODTAGER_UKENDT"
# Answers are small; a large one is refused before parsing.
_ANSWER_MAX: Final = 1024 * 1024
# A code from the service is repeated in our errors only if it looks like a code.
_CODE: Final = re.compile(r"[A-Za-z0-9_.-]{1,40}")
_REFUSED: Final = frozenset({401, 403, 404, 405})


class KombiChoice(enum.Enum):
    """SF1601 ``KombiValgKode``: which channel the service may use."""

    AUTOMATIC = "Automatisk Valg"  # Digital Post, or print (SF1600) without Digital Post
    DIGITAL = "Digital Post"
    PRINT = "Fysisk Post"


class _AnswerError(Exception):
    """The answer was XML but not the XML we expect."""


_Sent = Coroutine[Any, Any, httpx.Response]


def kombi_request(letter: Letter, choice: KombiChoice) -> bytes:
    """The body SF1601 expects: ``kombi_request`` (no namespace) around the MeMo message."""
    root = etree.Element("kombi_request")
    etree.SubElement(root, "KombiValgKode").text = choice.value
    root.append(build_message(letter))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DigitalPostClient:
    """The ``DigitalPost`` port over SF1601, through an ``httpx.AsyncClient`` we are given."""

    def __init__(  # noqa: PLR0913 - the seams of one client, each with a default
        self,
        http: httpx.AsyncClient,
        *,
        tokens: TokenPort | None = None,
        receipts_cvr: str = "",
        own: Mapping[str, httpx.AsyncClient] | None = None,
        choice: KombiChoice = KombiChoice.AUTOMATIC,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        """``tokens`` None: no token is sent (a service behind a gateway that adds it).

        ``receipts_cvr`` is the agreement whose receipt feed is read (the default sender's);
        ``own`` the clients of senders with their own certificate, by CVR.
        """
        self._http = http
        self._tokens = tokens
        self._receipts_cvr = receipts_cvr
        self._own = dict(own or {})
        self._choice = choice
        self._clock = clock

    async def _call(
        self, cvr: str, request: Callable[[httpx.AsyncClient, dict[str, str]], _Sent]
    ) -> httpx.Response:
        """Make ``request`` with the agreement's token; a 401 renews it and tries once more."""
        http = self._own.get(cvr, self._http)
        if self._tokens is None:
            return await request(http, {})
        token: AccessToken = await self._tokens.token(cvr)
        response = await request(http, {"Authorization": token.authorization})
        if response.status_code == HTTPStatus.UNAUTHORIZED:
            token = await self._tokens.renew(cvr, token)
            response = await request(http, {"Authorization": token.authorization})
        return response

    async def send(self, letter: Letter) -> SendReceipt:
        """Post the letter as a kombi request; see the module table for the errors."""
        body = kombi_request(letter, self._choice)

        def post(http: httpx.AsyncClient, auth: dict[str, str]) -> _Sent:
            headers = {
                "Content-Type": "application/xml; charset=utf-8",
                "Accept": "application/xml",
                "x-TransaktionsId": str(uuid.uuid4()),
                "x-TransaktionsTid": self._clock()
                .astimezone(dt.UTC)
                .strftime("%Y-%m-%dT%H:%M:%SZ"),
                **auth,
            }
            return http.post(KOMBI_PATH, content=body, headers=headers)

        operation = "SF1601 send"
        with _translate_errors(operation):
            response = await self._call(letter.sender.cvr, post)
            response.raise_for_status()
            values = _values(parse_xml(response.content, max_bytes=_ANSWER_MAX))
            if values.get("result", "").casefold() != "true":
                raise _refusal(operation, values.get("fejlkode"))
            transmission_id = values.get("transmissionid")
            if transmission_id is None or not _CODE.fullmatch(transmission_id):
                msg = "no TransmissionId"
                raise _AnswerError(msg)
            return SendReceipt(
                message_uuid=letter.message_uuid,
                transmission_id=transmission_id,
                channel=_channel(values.get("kanalkode")),
            )

    async def receipts(self, since: int) -> ReceiptPage:
        """Receipts after ``since``; see the module table for the errors."""

        def get(http: httpx.AsyncClient, auth: dict[str, str]) -> _Sent:
            return http.get(
                RECEIPTS_PATH,
                params={"since": since},
                headers={
                    "Accept": "application/xml",
                    "x-TransaktionsId": str(uuid.uuid4()),
                    **auth,
                },
            )

        with _translate_errors("SF1601 receipts"):
            response = await self._call(self._receipts_cvr, get)
            response.raise_for_status()
            return _receipt_page(parse_xml(response.content, max_bytes=_ANSWER_MAX))


@contextmanager
def _translate_errors(operation: str) -> Iterator[None]:
    """Every failure below becomes a port error that names the operation and a code.

    Each is raised ``from None``: httpx and libxml2 messages can quote the request or
    the answer, and a chained exception is printed in tracebacks.
    """
    try:
        yield
    except httpx.TimeoutException:
        msg = f"{operation}: timeout"
        raise DigitalPostUnavailableError(msg) from None
    except httpx.TransportError as exc:
        msg = f"{operation}: transport error {type(exc).__name__}"
        raise DigitalPostUnavailableError(msg) from None
    except httpx.HTTPStatusError as exc:
        raise _from_status(operation, exc.response) from None
    except UnsafeXmlError:
        msg = f"{operation}: unsafe answer refused (DOCTYPE, entities or size)"
        raise MalformedAnswerError(msg) from None
    except MalformedXmlError:
        msg = f"{operation}: answer is not well-formed XML"
        raise MalformedAnswerError(msg) from None
    except _AnswerError as exc:
        msg = f"{operation}: unexpected answer ({exc})"
        raise MalformedAnswerError(msg) from None


def _from_status(
    operation: str, response: httpx.Response
) -> (
    DigitalPostUnavailableError
    | DigitalPostRefusedError
    | InvalidMessageError
    | RecipientRejectedError
):
    status = response.status_code
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        msg = f"{operation}: HTTP {status}"
        return DigitalPostUnavailableError(msg)
    if status in _REFUSED:
        msg = f"{operation}: HTTP {status}"
        return DigitalPostRefusedError(msg)
    try:
        code = _values(parse_xml(response.content, max_bytes=_ANSWER_MAX)).get("fejlkode")
    except (UnsafeXmlError, MalformedXmlError):
        code = None
    return _refusal(f"{operation}: HTTP {status}", code)


def _refusal(operation: str, code: str | None) -> InvalidMessageError | RecipientRejectedError:
    shown = code if code is not None and _CODE.fullmatch(code) else "unreadable"
    msg = f"{operation}: refused, code {shown}"
    if code == RECIPIENT_UNKNOWN:
        return RecipientRejectedError(msg)
    return InvalidMessageError(msg)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.casefold()


def _values(root: etree._Element) -> dict[str, str]:
    """First text of each element, by case-folded local name."""
    values: dict[str, str] = {}
    for element in root.iter(etree.Element):
        text = (element.text or "").strip()
        if text:
            values.setdefault(_local(element), text)
    return values


def _channel(code: str | None) -> Channel | None:
    if code is None:
        return None
    try:
        return Channel(code)
    except ValueError:
        msg = "unknown KanalKode"
        raise _AnswerError(msg) from None


def _receipt_page(root: etree._Element) -> ReceiptPage:
    if root.tag != "receipts":
        msg = "not a receipt feed"
        raise _AnswerError(msg)
    try:
        receipts = tuple(
            Receipt(
                sequence=int(item.get("sequence", "")),
                message_uuid=uuid.UUID(item.get("messageUUID", "")),
                message_id=item.get("messageID", ""),
                outcome=Outcome(item.get("outcome")),
                at=dt.datetime.fromisoformat(item.get("at", "")),
                reason=item.get("reason"),
            )
            for item in root.iterchildren("receipt")
        )
        next_since = int(root.get("next", ""))
        if any(receipt.at.tzinfo is None for receipt in receipts):
            raise ValueError  # noqa: TRY301 - one message for every incomplete receipt
    except ValueError:
        msg = "a receipt is incomplete"
        raise _AnswerError(msg) from None
    return ReceiptPage(receipts=receipts, next_since=next_since)
