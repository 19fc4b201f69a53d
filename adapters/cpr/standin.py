"""The CPR register, locally: a fake of the port and a wire-level SOAP 1.1 stand-in.

``InMemoryPersonRegister`` fakes ``PersonRegister`` (state, ``.asked``, failure switches).
``SoapStandin`` answers real SF1520 PersonLookup envelopes from a synthetic population, through
one handler (``answer``) that serves both an ``httpx.MockTransport`` (``.transport()``) and a
small ASGI app (``.app()``) for a loopback server. Its failure mode can be changed at run time.
Requests are parsed with the hardened parser; answers follow the official schema.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import httpx
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.cpr.population import Population, StandinPerson, synthetic_population
from adapters.cpr.port import (
    Absence,
    PersonNotFoundError,
    PersonRecord,
    RegisterRefusedError,
    RegisterUnavailableError,
)
from contracts.cpr import Cpr
from hub.errors import PermanentError
from hub.xmlsafe import parse_xml

__all__ = ["SOAP_ACTION", "SOAP_PATH", "Failure", "InMemoryPersonRegister", "SoapStandin"]

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
NS: Final = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
_INVCTX: Final = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
_PNR: Final = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
_FAULT: Final = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
SOAP_ACTION: Final = NS + "PersonLookup"
SOAP_PATH: Final = "/service/CPR/PersonBaseDataExtended/4"
_XML: Final = "text/xml; charset=utf-8"


class InMemoryPersonRegister:
    """A fake ``PersonRegister``: records what it is asked, and fails when told to."""

    def __init__(
        self,
        records: Mapping[Cpr, PersonRecord] | None = None,
        absent: Mapping[Cpr, Absence] | None = None,
    ) -> None:
        population = synthetic_population()
        self.records = dict(population.records() if records is None else records)
        self.absent = dict(population.absent() if absent is None else absent)
        self.asked: list[tuple[Cpr, str]] = []
        self.down = False
        self.refused = False

    async def lookup(self, cpr: Cpr, *, municipality: str) -> PersonRecord:
        """The record of ``cpr``, or the port's errors when switched to fail."""
        self.asked.append((cpr, municipality))
        if self.refused:
            msg = "CPR PersonLookup: HTTP 403"
            raise RegisterRefusedError(msg)
        if self.down:
            msg = "CPR PersonLookup: timeout"
            raise RegisterUnavailableError(msg)
        if cpr in self.absent:
            msg = "CPR PersonLookup: person no longer current"
            raise PersonNotFoundError(msg, self.absent[cpr])
        record = self.records.get(cpr)
        if record is None:
            msg = "CPR PersonLookup: SOAP fault PersonNotFound"
            raise PersonNotFoundError(msg)
        return record

    def __repr__(self) -> str:
        return f"InMemoryPersonRegister(people={len(self.records)}, asked={len(self.asked)})"


class Failure(StrEnum):
    """How the wire stand-in misbehaves; ``NONE`` answers from the population."""

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
    """One HTTP answer of the stand-in."""

    status: int
    body: bytes
    content_type: str = _XML


XXE_PAYLOAD: Final = (
    b'<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<soap:Envelope xmlns:soap="' + SOAP_ENV.encode() + b'"><soap:Body>'
    b'<PersonLookupResponse xmlns="' + NS.encode() + b'"><persondata><navn>'
    b"<personadresseringsnavn>&xxe;</personadresseringsnavn></navn><antalBoernUnder18>0"
    b"</antalBoernUnder18></persondata></PersonLookupResponse></soap:Body></soap:Envelope>"
)


def _entity_bomb() -> bytes:
    letters = "abcdefghij"
    entities = ['<!ENTITY a "lol">'] + [
        f'<!ENTITY {name} "{f"&{previous};" * 10}">'
        for previous, name in itertools.pairwise(letters)
    ]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE e [{"".join(entities)}]>\n'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>'
        f'<PersonLookupResponse xmlns="{NS}"><persondata><navn>'
        "<personadresseringsnavn>&j;</personadresseringsnavn></navn>"
        "<antalBoernUnder18>0</antalBoernUnder18></persondata></PersonLookupResponse>"
        "</soap:Body></soap:Envelope>"
    ).encode()


ENTITY_BOMB: Final = _entity_bomb()
"""Billion laughs: ten to the ninth "lol"s if a parser expanded it."""


class SoapStandin:
    """SF1520 PersonLookup over SOAP 1.1, answered from a synthetic population."""

    def __init__(self, population: Population | None = None, *, delay_s: float = 2.0) -> None:
        self.population = population or synthetic_population()
        self.failure = Failure.NONE
        self.delay_s = delay_s
        self.received: list[bytes] = []
        self.sent: list[bytes] = []

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
        canned = _canned(failure)
        if canned is not None:
            return canned
        try:
            request = parse_xml(body)
        except PermanentError:
            return _fault("Client", "InvalidRequest", "the request is not acceptable XML")
        if (soap_action or "").strip('"') != SOAP_ACTION:
            return _fault("Client", "InvalidSoapAction", "unknown soapAction")
        lookup = request.find(f"{{{SOAP_ENV}}}Body/{{{NS}}}PersonLookupRequest")
        if lookup is None or lookup.find(f"{{{_INVCTX}}}InvocationContext") is None:
            return _fault("Client", "AccessDenied", "no InvocationContext")
        pnr = (lookup.findtext(f"{{{_PNR}}}PNR") or "").strip()
        person = self._person(pnr)
        if person is None:
            # Like a real service, the text quotes the number: the client must never carry it.
            return _fault("Client", "PersonNotFound", f"Person med PNR {pnr} findes ikke")
        return Reply(200, _envelope(_lookup_response(person, self.population)))

    def _person(self, pnr: str) -> StandinPerson | None:
        try:
            return self.population.people.get(Cpr(pnr))
        except ValueError:
            return None

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

    def app(self) -> Starlette:
        """The stand-in as an ASGI app (``POST /service/CPR/PersonBaseDataExtended/4``)."""

        async def endpoint(request: Request) -> Response:
            reply = await self.answer(await request.body(), request.headers.get("soapaction"))
            return Response(reply.body, status_code=reply.status, media_type=reply.content_type)

        return Starlette(routes=[Route(SOAP_PATH, endpoint, methods=["POST"])])

    def __repr__(self) -> str:
        return f"SoapStandin(failure={self.failure.value}, received={len(self.received)})"


def _canned(failure: Failure) -> Reply | None:
    """The fixed answer of a failure mode, or None to answer normally."""
    replies = {
        Failure.SERVER_ERROR: Reply(503, b"<html><body>Unavailable</body></html>", "text/html"),
        Failure.HTTP_FORBIDDEN: Reply(403, b"Forbidden", "text/plain"),
        Failure.SERVER_FAULT: _fault("Server", "ServiceUnavailable", "down for maintenance"),
        Failure.AUTH_FAULT: _fault("Client", "InvalidServiceAgreement", "no agreement"),
        Failure.XXE: Reply(200, XXE_PAYLOAD),
        Failure.ENTITY_BOMB: Reply(200, ENTITY_BOMB),
    }
    return replies.get(failure)


def _el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        child.text = text
    return child


def _envelope(content: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(content)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _fault(soap_code: str, code: str, text: str) -> Reply:
    fault = etree.Element(f"{{{SOAP_ENV}}}Fault", nsmap={"soap": SOAP_ENV})
    etree.SubElement(fault, "faultcode").text = f"soap:{soap_code}"
    etree.SubElement(fault, "faultstring").text = text
    detail = etree.SubElement(
        etree.SubElement(fault, "detail"), f"{{{_FAULT}}}ServiceplatformFault"
    )
    error = etree.SubElement(
        etree.SubElement(detail, f"{{{_FAULT}}}ErrorList"), f"{{{_FAULT}}}Error"
    )
    etree.SubElement(error, f"{{{_FAULT}}}ErrorCode").text = code
    etree.SubElement(error, f"{{{_FAULT}}}ErrorText").text = text
    return Reply(500, _envelope(fault))


def _lookup_response(person: StandinPerson, population: Population) -> etree._Element:
    """A PersonLookupResponse in the official element order (SF1520 v4 Types XSD)."""
    response = etree.Element(f"{{{NS}}}PersonLookupResponse", nsmap={"cpr": NS})
    data = _el(response, "persondata")
    _el(data, "personnummer", person.cpr.reveal())
    _el(data, "gaeldendePersonnummer", person.cpr.reveal())
    navn = _el(data, "navn")
    _el(navn, "personadresseringsnavn", f"{person.last_name},{person.first_name}")
    _el(navn, "fornavn", person.first_name)
    _el(navn, "efternavn", person.last_name)
    _el(_el(data, "foedselsdato"), "dato", person.cpr.birth_date.isoformat())
    _el(data, "koen", person.sex)
    _el(data, "antalBoernUnder18", str(len(person.children)))
    _el(_el(data, "status"), "status", str(person.status))
    if person.address_protected:
        protection = _el(data, "adressebeskyttelse")
        _el(protection, "startdato", dt.date(2020, 1, 1).isoformat())
        _el(protection, "beskyttet", "true")
    _el(data, "tilmeldtDigitalpost", "true" if person.digital_post else "false")
    # The register sends a protected person's address to an authorised caller too; keeping
    # it from leaving is the adapter's job, and the tests check that it does.
    current = _el(_el(response, "adresse"), "aktuelAdresse")
    address = person.address
    _el(current, "kommunekode", address.municipality_code)
    _el(current, "husnummer", address.house_number)
    _el(current, "postnummer", address.postcode)
    _el(current, "postdistrikt", address.city)
    _el(current, "vejnavn", address.street)
    _el(current, "standardadresse", f"{address.street} {address.house_number}")
    relations = _el(response, "relationer")
    for child in person.children:
        _el(_el(relations, "barn"), "personnummer", child.reveal())
    for tag, parent in (("mor", person.mother), ("far", person.father)):
        if parent is not None and parent in population.people:
            _el(_el(relations, tag), "personnummer", parent.reveal())
    for role, holder in person.custody:
        custody = _el(relations, "foraeldremyndighed")
        _el(custody, "foraeldremyndighedtype", str(int(role)))
        if holder is not None:
            _el(custody, "relationPersonnummer", holder.reveal())
    return response
