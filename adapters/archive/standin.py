"""The archive, locally: a fake of the port and a wire-level SF1470 SOAP 1.1 stand-in.

``InMemoryArchive`` fakes ``Archive`` (state, ``.filings``, failure switches).
``SoapStandin`` answers real SagDokumentIndeks v6 envelopes (fremsoeg, importer, opdater)
through one handler (``answer``) that serves both an ``httpx.MockTransport``
(``.transport()``) and a small ASGI app (``.app()``) for a loopback server. It keeps cases,
documents and journal posts, recognises a second import or journal post with the same id
(StatusKode 49) and files nothing twice. Requests are parsed with the hardened parser.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import httpx
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.archive import sagdok
from adapters.archive.port import (
    ArchiveCase,
    ArchiveFaultError,
    ArchiveRefusedError,
    ArchiveUnavailableError,
    Entry,
    Filing,
    NewCase,
)
from adapters.archive.sagdok import GD, HEADER, SAG, SD, SDI
from contracts.cpr import Cpr
from hub.errors import PermanentError
from hub.xmlsafe import parse_xml

__all__ = [
    "ENTITY_BOMB",
    "SOAP_PATH",
    "XXE_PAYLOAD",
    "Failure",
    "InMemoryArchive",
    "SoapStandin",
    "StandinCase",
    "StandinFiling",
]

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
_FAULT: Final = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
_ACTION: Final = "http://kombit.dk/sts/sagdokumentindeks/"
SOAP_PATH: Final = "/sts-soap-sagdok/sagdokumentindeks/6"
_XML: Final = "text/xml; charset=utf-8"
_CPR_URN: Final = "urn:oio:cpr-nr:"
_KLE_URN: Final = "urn:oio:kle:"


class InMemoryArchive:
    """A fake ``Archive``: keeps cases and filings, and fails when told to."""

    def __init__(self) -> None:
        self.cases: dict[uuid.UUID, tuple[ArchiveCase, Cpr]] = {}
        self.filings: dict[uuid.UUID, tuple[ArchiveCase, Entry]] = {}
        self.down = False
        self.refused = False
        self.rejecting = False
        self.calls = 0

    def _check(self, operation: str) -> None:
        self.calls += 1
        if self.refused:
            msg = f"SF1470 {operation}: HTTP 403"
            raise ArchiveRefusedError(msg)
        if self.down:
            msg = f"SF1470 {operation}: timeout"
            raise ArchiveUnavailableError(msg)
        if self.rejecting:
            msg = f"SF1470 {operation}: status 40"
            raise ArchiveFaultError(msg)

    async def find_case(self, *, municipality: str, kle: str, party: Cpr) -> ArchiveCase | None:
        """The first case of ``party`` under ``kle``, or None."""
        del municipality
        self._check("fremsoeg")
        for case, holder in self.cases.values():
            if case.kle == kle and holder == party:
                return case
        return None

    async def create_case(self, *, municipality: str, case: NewCase) -> ArchiveCase:
        """Create ``case`` unless a case with its id is there."""
        del municipality
        self._check("importer")
        if case.case_id not in self.cases:
            created = ArchiveCase(case.case_id, case.case_number, case.kle)
            self.cases[case.case_id] = (created, case.party)
        return self.cases[case.case_id][0]

    async def file(self, *, municipality: str, case: ArchiveCase, entry: Entry) -> Filing:
        """File ``entry`` once; a second filing with its id is reported as a duplicate."""
        del municipality
        self._check("opdater")
        if entry.entry_id in self.filings:
            return Filing(entry.entry_id, duplicate=True)
        self.filings[entry.entry_id] = (case, entry)
        return Filing(entry.entry_id, duplicate=False)

    def __repr__(self) -> str:
        return f"InMemoryArchive(cases={len(self.cases)}, filings={len(self.filings)})"


class Failure(StrEnum):
    """How the wire stand-in misbehaves; ``NONE`` answers from its state."""

    NONE = "none"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"
    SERVER_FAULT = "server-fault"
    HTTP_FORBIDDEN = "http-forbidden"
    AUTH_FAULT = "auth-fault"
    CLIENT_FAULT = "client-fault"
    REJECTED = "rejected"
    XXE = "xxe"
    ENTITY_BOMB = "entity-bomb"


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer of the stand-in."""

    status: int
    body: bytes
    content_type: str = _XML


@dataclass(slots=True)
class StandinCase:
    """A case the stand-in holds."""

    case_id: uuid.UUID
    kle: str
    party: str = field(repr=False)
    number: str
    posts: dict[str, str] = field(default_factory=dict)  # Indeks -> ReferenceID


@dataclass(frozen=True, slots=True)
class StandinFiling:
    """One journal post the stand-in filed: on which case, which post, what it refers to."""

    case_id: uuid.UUID
    post: str
    reference: str
    note: bool


XXE_PAYLOAD: Final = (
    b'<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<soap:Envelope xmlns:soap="' + SOAP_ENV.encode() + b'"><soap:Body>'
    b'<FremsoegSagDokumentIndeksOutput xmlns="' + SDI.encode() + b'">'
    b'<StandardRetur xmlns="' + SD.encode() + b'"><StatusKode>20</StatusKode>'
    b"<FejlbeskedTekst>&xxe;</FejlbeskedTekst></StandardRetur>"
    b"</FremsoegSagDokumentIndeksOutput></soap:Body></soap:Envelope>"
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
        f'<FremsoegSagDokumentIndeksOutput xmlns="{SDI}">'
        f'<StandardRetur xmlns="{SD}"><StatusKode>20</StatusKode>'
        "<FejlbeskedTekst>&j;</FejlbeskedTekst></StandardRetur>"
        "</FremsoegSagDokumentIndeksOutput></soap:Body></soap:Envelope>"
    ).encode()


ENTITY_BOMB: Final = _entity_bomb()
"""Billion laughs: ten to the ninth "lol"s if a parser expanded it."""


class SoapStandin:
    """SF1470 SagDokumentIndeks v6 over SOAP 1.1: cases, documents and journal posts."""

    def __init__(self, *, delay_s: float = 2.0) -> None:
        self.failure = Failure.NONE
        self.delay_s = delay_s
        self.cases: dict[uuid.UUID, StandinCase] = {}
        self.documents: set[uuid.UUID] = set()
        self.filings: list[StandinFiling] = []
        self.received: list[bytes] = []
        self.sent: list[bytes] = []
        self._numbers = itertools.count(1)

    def add_case(self, kle: str, party: Cpr, number: str | None = None) -> StandinCase:
        """A case the archive already holds (say, created by the case system)."""
        case_id = uuid.uuid4()
        number = number or f"{kle}-G01-{next(self._numbers)}-26"
        case = StandinCase(case_id, kle, party.reveal(), number)
        self.cases[case_id] = case
        return case

    async def answer(self, body: bytes, soap_action: str | None) -> Reply:
        """The one handler: the reply to a POSTed request body, given the failure mode."""
        self.received.append(body)
        reply = await self._reply(body, soap_action)
        self.sent.append(reply.body)
        return reply

    async def _reply(self, body: bytes, soap_action: str | None) -> Reply:
        if self.failure is Failure.TIMEOUT:
            await asyncio.sleep(self.delay_s)
        canned = _canned(self.failure)
        if canned is not None:
            return canned
        try:
            request = parse_xml(body)
        except PermanentError:
            return _fault("Client", "InvalidRequest", "the request is not acceptable XML")
        return self._operation(request, soap_action)

    def _operation(self, request: etree._Element, soap_action: str | None) -> Reply:
        if request.find(f"{{{SOAP_ENV}}}Header/{{{HEADER}}}RequestHeader") is None:
            return _fault("Client", "InvalidRequest", "no RequestHeader")
        operation = (soap_action or "").strip('"').removeprefix(_ACTION)
        content = request.find(f"{{{SOAP_ENV}}}Body/*")
        handlers = {
            "fremsoeg": ("FremsoegSagDokumentIndeksInput", self._search),
            "importer": ("ImporterSagDokumentIndeksInput", self._import),
            "opdater": ("OpdaterSagDokumentIndeksInput", self._update),
        }
        if operation not in handlers or content is None:
            return _fault("Client", "InvalidSoapAction", "unknown soapAction")
        element, handler = handlers[operation]
        if content.tag != f"{{{SDI}}}{element}":
            return _fault("Client", "InvalidRequest", "body does not match the soapAction")
        if self.failure is Failure.CLIENT_FAULT:
            urns = (urn.text or "" for urn in content.iter(f"{{{SD}}}URNIdentifikator"))
            party = next((urn for urn in urns if urn.startswith(_CPR_URN)), "")
            # Like a real service, the text quotes the request: the client must never carry it.
            return _fault("Client", "InvalidInput", f"Ugyldig reference {party}")
        if self.failure is Failure.REJECTED:
            return Reply(200, _envelope(_output(content.tag, [_retur(40)])))
        return Reply(200, _envelope(handler(content)))

    def _search(self, content: etree._Element) -> etree._Element:
        kle = party = ""
        for urn in content.iter(f"{{{SD}}}URNIdentifikator"):
            text = (urn.text or "").strip()
            if text.startswith(_KLE_URN):
                kle = text.removeprefix(_KLE_URN)
            elif text.startswith(_CPR_URN):
                party = text.removeprefix(_CPR_URN)
        output = etree.Element(f"{{{SDI}}}FremsoegSagDokumentIndeksOutput", nsmap=_NSMAP)
        output.append(_retur(sagdok.STATUS_OK))
        for case in self.cases.values():
            if case.kle == kle and case.party == party:
                output.append(_snapshot(case))
        return output

    def _import(self, content: etree._Element) -> etree._Element:
        returns = []
        for item in content:
            object_id = uuid.UUID((item.findtext(f"{{{SD}}}UUIDIdentifikator") or "").strip())
            if item.tag == f"{{{SDI}}}SagIndeks":
                type_name, known = "Sag", object_id in self.cases
                if not known:
                    self.cases[object_id] = _case_from(object_id, item)
            else:
                type_name, known = "Dokument", object_id in self.documents
                self.documents.add(object_id)
            code = sagdok.STATUS_CONFLICT if known else sagdok.STATUS_OK
            returns.append(_retur(code, type_name, object_id))
        return _output(content.tag, returns)

    def _update(self, content: etree._Element) -> etree._Element:
        returns = []
        for item in content.iter(f"{{{SDI}}}OpdaterSagIndeks"):
            case_id = uuid.UUID((item.findtext(f"{{{SD}}}UUIDIdentifikator") or "").strip())
            case = self.cases.get(case_id)
            code = _NOT_FOUND
            for post in item.iter(f"{{{SAG}}}Journalpost"):
                code = self._post(case, post)
            returns.append(_retur(code))
        return _output(content.tag, returns)

    def _post(self, case: StandinCase | None, post: etree._Element) -> int:
        if case is None:
            return _NOT_FOUND
        index = (post.findtext(f"{{{GD}}}Indeks") or "").strip()
        reference = post.find(f"{{{GD}}}ReferenceID/*")
        target = "" if reference is None else (reference.text or "").strip()
        note = target == "URN:Empty"
        if not index:
            return _INVALID
        if index in case.posts:
            return sagdok.STATUS_CONFLICT
        if not note and uuid.UUID(target) not in self.documents:
            return _NOT_FOUND
        case.posts[index] = target
        self.filings.append(StandinFiling(case.case_id, index, target, note))
        return sagdok.STATUS_OK

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
        """The stand-in as an ASGI app (``POST /sts-soap-sagdok/sagdokumentindeks/6``)."""

        async def endpoint(request: Request) -> Response:
            reply = await self.answer(await request.body(), request.headers.get("soapaction"))
            return Response(reply.body, status_code=reply.status, media_type=reply.content_type)

        return Starlette(routes=[Route(SOAP_PATH, endpoint, methods=["POST"])])

    def __repr__(self) -> str:
        return (
            f"SoapStandin(failure={self.failure.value}, cases={len(self.cases)}, "
            f"filings={len(self.filings)})"
        )


_NSMAP: Final = {"sdi": SDI, "sag": SAG, "sd": SD, "gd": GD}
_INVALID: Final = 40
_NOT_FOUND: Final = 44


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


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ns}}}{tag}")
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


def _retur(
    code: int, type_name: str | None = None, object_id: uuid.UUID | None = None
) -> etree._Element:
    """A ``StandardRetur``, or a ``UnikRetur`` when it names an object."""
    tag = "StandardRetur" if object_id is None else "UnikRetur"
    retur = etree.Element(f"{{{SD}}}{tag}", nsmap=_NSMAP)
    _el(retur, SD, "StatusKode", str(code))
    _el(retur, SD, "FejlbeskedTekst", "OK" if code == sagdok.STATUS_OK else f"Status {code}")
    if object_id is not None:
        _el(retur, SD, "Type", type_name or "Sag")
        _el(retur, SD, "UUIDIdentifikator", str(object_id))
    return retur


def _output(input_tag: str, returns: list[etree._Element]) -> etree._Element:
    output = etree.Element(input_tag.replace("Input", "Output"), nsmap=_NSMAP)
    output.extend(returns)
    return output


def _case_from(case_id: uuid.UUID, sag: etree._Element) -> StandinCase:
    kle = party = ""
    for urn in sag.iter(f"{{{SD}}}URNIdentifikator"):
        text = (urn.text or "").strip()
        if text.startswith(_KLE_URN):
            kle = text.removeprefix(_KLE_URN)
        elif text.startswith(_CPR_URN):
            party = text.removeprefix(_CPR_URN)
    number = (sag.findtext(f".//{{{SAG}}}Sagsnummer") or "").strip()
    return StandinCase(case_id, kle, party, number)


def _snapshot(case: StandinCase) -> etree._Element:
    """A ``SagFiltreretOejebliksbillede``: the case's id and number (no personal data)."""
    snapshot = etree.Element(f"{{{SDI}}}SagFiltreretOejebliksbillede", nsmap=_NSMAP)
    _el(_el(snapshot, SAG, "ObjektType"), SD, "UUIDIdentifikator", str(case.case_id))
    registration = _el(snapshot, SAG, "Registrering")
    attributes = _el(_el(registration, SAG, "AttributListe"), SAG, "Egenskaber")
    _el(attributes, SAG, "BrugervendtNoegle", case.number)
    _el(attributes, SAG, "Sagsnummer", case.number)
    _el(registration, SAG, "TilstandListe")
    relations = _el(registration, SAG, "RelationListe")
    klasse = _el(relations, SAG, "Sagsklasse")
    _el(_el(klasse, GD, "ReferenceID"), SD, "URNIdentifikator", f"{_KLE_URN}{case.kle}")
    return snapshot
