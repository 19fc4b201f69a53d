"""What the SOAP stand-ins share: the failure switch and its answers, faults, and both carriers.

``SoapStandin`` is the wire half of a service's stand-in (``adapters.cpr.standin``,
``adapters.archive.standin``), which extends it with the service's state and operations. Unlike
the rest of the hub this is a class to extend rather than functions to compose: the switch, the
message logs and both carriers belong to the one object that tests, ``hub.cli.standins`` and the
command line reach as the service's stand-in (``standin.failure = Failure.TIMEOUT``).

One handler, ``answer``, serves an ``httpx.MockTransport`` (``transport()``) and a small ASGI app
(``app()``). The switch is read once, as a request arrives: ``TIMEOUT`` waits ``delay_s`` first
(the transport raises httpx's timeout at once instead), the other ``Failure`` modes answer
without reading the request, and otherwise the request is parsed with the hardened parser and
handed to the service's ``_operation``, which also answers the service's own failure modes.
"""

from __future__ import annotations

import asyncio
import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Generic, TypeVar

import httpx
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.runtime.errors import PermanentError
from hub.runtime.xmlsafe import parse_xml

__all__ = [
    "SOAP_ENV",
    "Failure",
    "Reply",
    "SoapStandin",
    "entity_bomb",
    "envelope",
    "fault",
    "xxe_answer",
]

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
_FAULT: Final = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
_XML: Final = "text/xml; charset=utf-8"


class Failure(StrEnum):
    """How a SOAP stand-in misbehaves; ``NONE`` answers the request."""

    NONE = "none"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"
    SERVER_FAULT = "server-fault"
    HTTP_FORBIDDEN = "http-forbidden"
    AUTH_FAULT = "auth-fault"
    XXE = "xxe"
    ENTITY_BOMB = "entity-bomb"


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer of a stand-in."""

    status: int
    body: bytes
    content_type: str = _XML


def envelope(content: etree._Element) -> bytes:
    """``content`` as the body of a SOAP 1.1 envelope, with an XML declaration."""
    soap = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(soap, f"{{{SOAP_ENV}}}Body").append(content)
    return etree.tostring(soap, xml_declaration=True, encoding="UTF-8")


def fault(soap_code: str, code: str, text: str) -> Reply:
    """A SOAP fault (HTTP 500) carrying a ServiceplatformFault with ``code`` and ``text``."""
    soap_fault = etree.Element(f"{{{SOAP_ENV}}}Fault", nsmap={"soap": SOAP_ENV})
    etree.SubElement(soap_fault, "faultcode").text = f"soap:{soap_code}"
    etree.SubElement(soap_fault, "faultstring").text = text
    detail = etree.SubElement(
        etree.SubElement(soap_fault, "detail"), f"{{{_FAULT}}}ServiceplatformFault"
    )
    error = etree.SubElement(
        etree.SubElement(detail, f"{{{_FAULT}}}ErrorList"), f"{{{_FAULT}}}Error"
    )
    etree.SubElement(error, f"{{{_FAULT}}}ErrorCode").text = code
    etree.SubElement(error, f"{{{_FAULT}}}ErrorText").text = text
    return Reply(500, envelope(soap_fault))


def xxe_answer(answer: Callable[[str], str]) -> bytes:
    """The service's ``answer``, its text an external entity that names ``/etc/passwd``."""
    return _with_dtd('<!ENTITY xxe SYSTEM "file:///etc/passwd">', answer("&xxe;"))


def entity_bomb(answer: Callable[[str], str]) -> bytes:
    """Billion laughs: the service's ``answer``, ten to the ninth "lol"s if a parser expanded it."""
    letters = "abcdefghij"
    entities = ['<!ENTITY a "lol">'] + [
        f'<!ENTITY {name} "{f"&{previous};" * 10}">'
        for previous, name in itertools.pairwise(letters)
    ]
    return _with_dtd("".join(entities), answer("&j;"))


def _with_dtd(entities: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE e [{entities}]>\n'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>{body}</soap:Body></soap:Envelope>'
    ).encode()


_OwnFailure = TypeVar("_OwnFailure", bound=StrEnum)


class SoapStandin(ABC, Generic[_OwnFailure]):
    """A SOAP 1.1 service at ``path``, locally: the failure switch, what it received and sent.

    The type parameter is the service's failure modes beyond ``Failure`` (``Never`` for none),
    which its ``_operation`` answers.
    """

    def __init__(self, path: str, *, xxe: bytes, entity_bomb: bytes, delay_s: float) -> None:
        self.failure: Failure | _OwnFailure = Failure.NONE
        self.delay_s = delay_s
        self.received: list[bytes] = []
        self.sent: list[bytes] = []
        self._path = path
        self._xxe = xxe
        self._entity_bomb = entity_bomb

    @abstractmethod
    def _operation(self, request: etree._Element, soap_action: str | None) -> Reply:
        """The service's answer to a parsed request (and to its own failure modes)."""

    async def answer(self, body: bytes, soap_action: str | None) -> Reply:
        """The one handler: the reply to a POSTed request body, given the failure mode."""
        self.received.append(body)
        reply = await self._reply(body, soap_action)
        self.sent.append(reply.body)
        return reply

    async def _reply(self, body: bytes, soap_action: str | None) -> Reply:
        failure = self.failure
        if failure is Failure.TIMEOUT:
            await asyncio.sleep(self.delay_s)
        canned = self._canned(failure) if isinstance(failure, Failure) else None
        if canned is not None:
            return canned
        try:
            request = parse_xml(body)
        except PermanentError:
            return fault("Client", "InvalidRequest", "the request is not acceptable XML")
        return self._operation(request, soap_action)

    def _canned(self, failure: Failure) -> Reply | None:
        """The fixed answer of a failure mode, or None to answer normally."""
        replies = {
            Failure.SERVER_ERROR: Reply(503, b"<html><body>Unavailable</body></html>", "text/html"),
            Failure.HTTP_FORBIDDEN: Reply(403, b"Forbidden", "text/plain"),
            Failure.SERVER_FAULT: fault("Server", "ServiceUnavailable", "down for maintenance"),
            Failure.AUTH_FAULT: fault("Client", "InvalidServiceAgreement", "no agreement"),
            Failure.XXE: Reply(200, self._xxe),
            Failure.ENTITY_BOMB: Reply(200, self._entity_bomb),
        }
        return replies.get(failure)

    def transport(self) -> httpx.MockTransport:
        """The stand-in as an httpx transport; a timeout raises what httpx raises."""

        async def handle(request: httpx.Request) -> httpx.Response:
            if self.failure is Failure.TIMEOUT:
                self.received.append(request.content)
                msg = "stand-in: no answer in time"
                raise httpx.ReadTimeout(msg, request=request)
            reply = await self.answer(request.content, request.headers.get("soapaction"))
            return httpx.Response(
                reply.status, content=reply.body, headers={"content-type": reply.content_type}
            )

        return httpx.MockTransport(handle)

    def set_down(self, on: bool) -> None:  # noqa: FBT001 - a switch
        """Switch an outage on (every request answered 5xx) or off again."""
        self.failure = Failure.SERVER_ERROR if on else Failure.NONE

    def asgi(self) -> Starlette:
        """The stand-in as an ASGI app: ``POST`` at the service's path."""

        async def endpoint(request: Request) -> Response:
            reply = await self.answer(await request.body(), request.headers.get("soapaction"))
            return Response(reply.body, status_code=reply.status, media_type=reply.content_type)

        return Starlette(routes=[Route(self._path, endpoint, methods=["POST"])])
