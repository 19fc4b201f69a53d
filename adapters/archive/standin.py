"""The archive, locally: a fake of the port and a wire-level SF1470 SOAP 1.1 stand-in.

``InMemoryArchive`` fakes ``Archive`` (state, ``.filings``, failure switches).
``ArchiveStandin`` answers real SagDokumentIndeks v6 envelopes (fremsoeg, importer, opdater); the
failure switch, the hardened parsing and both carriers (an ``httpx.MockTransport`` and an ASGI
app for a loopback server) are ``adapters.soap.standin``'s, and ``OperationFailure`` adds the
archive's own failure modes. It keeps cases, documents and journal posts, recognises a second
import or journal post with the same id (StatusKode 49) and files nothing twice.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from lxml import etree

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
from adapters.soap import standin as soap
from adapters.soap.standin import SOAP_ENV, Failure, Reply, envelope, fault
from contracts.cpr import Cpr

__all__ = [
    "ENTITY_BOMB",
    "SOAP_PATH",
    "XXE_PAYLOAD",
    "ArchiveStandin",
    "Failure",
    "InMemoryArchive",
    "OperationFailure",
    "StandinCase",
    "StandinFiling",
]

_ACTION: Final = "http://kombit.dk/sts/sagdokumentindeks/"
SOAP_PATH: Final = "/sts-soap-sagdok/sagdokumentindeks/6"
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


class OperationFailure(StrEnum):
    """The archive's failure modes beyond ``Failure``: how it answers a well-formed operation."""

    CLIENT_FAULT = "client-fault"  # a client fault whose text quotes the request
    REJECTED = "rejected"  # StandardRetur status 40


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


def _search_answer(text: str) -> str:
    """A FremsoegSagDokumentIndeksOutput with ``text`` as its message (the unsafe answers')."""
    return (
        f'<FremsoegSagDokumentIndeksOutput xmlns="{SDI}">'
        f'<StandardRetur xmlns="{SD}"><StatusKode>20</StatusKode>'
        f"<FejlbeskedTekst>{text}</FejlbeskedTekst></StandardRetur>"
        "</FremsoegSagDokumentIndeksOutput>"
    )


XXE_PAYLOAD: Final = soap.xxe_answer(_search_answer)
ENTITY_BOMB: Final = soap.entity_bomb(_search_answer)


class ArchiveStandin(soap.SoapStandin[OperationFailure]):
    """SF1470 SagDokumentIndeks v6 over SOAP 1.1: cases, documents and journal posts."""

    def __init__(self, *, delay_s: float = 2.0) -> None:
        super().__init__(SOAP_PATH, xxe=XXE_PAYLOAD, entity_bomb=ENTITY_BOMB, delay_s=delay_s)
        self.cases: dict[uuid.UUID, StandinCase] = {}
        self.documents: set[uuid.UUID] = set()
        self.filings: list[StandinFiling] = []
        self._numbers = itertools.count(1)

    def add_case(self, kle: str, party: Cpr, number: str | None = None) -> StandinCase:
        """A case the archive already holds (say, created by the case system)."""
        case_id = uuid.uuid4()
        number = number or f"{kle}-G01-{next(self._numbers)}-26"
        case = StandinCase(case_id, kle, party.reveal(), number)
        self.cases[case_id] = case
        return case

    def _operation(self, request: etree._Element, soap_action: str | None) -> Reply:
        if request.find(f"{{{SOAP_ENV}}}Header/{{{HEADER}}}RequestHeader") is None:
            return fault("Client", "InvalidRequest", "no RequestHeader")
        operation = (soap_action or "").strip('"').removeprefix(_ACTION)
        content = request.find(f"{{{SOAP_ENV}}}Body/*")
        handlers = {
            "fremsoeg": ("FremsoegSagDokumentIndeksInput", self._search),
            "importer": ("ImporterSagDokumentIndeksInput", self._import),
            "opdater": ("OpdaterSagDokumentIndeksInput", self._update),
        }
        if operation not in handlers or content is None:
            return fault("Client", "InvalidSoapAction", "unknown soapAction")
        element, handler = handlers[operation]
        if content.tag != f"{{{SDI}}}{element}":
            return fault("Client", "InvalidRequest", "body does not match the soapAction")
        if self.failure is OperationFailure.CLIENT_FAULT:
            urns = (urn.text or "" for urn in content.iter(f"{{{SD}}}URNIdentifikator"))
            party = next((urn for urn in urns if urn.startswith(_CPR_URN)), "")
            # Like a real service, the text quotes the request: the client must never carry it.
            return fault("Client", "InvalidInput", f"Ugyldig reference {party}")
        if self.failure is OperationFailure.REJECTED:
            return Reply(200, envelope(_output(content.tag, [_retur(40)])))
        return Reply(200, envelope(handler(content)))

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

    def __repr__(self) -> str:
        return (
            f"ArchiveStandin(failure={self.failure.value}, cases={len(self.cases)}, "
            f"filings={len(self.filings)})"
        )


_NSMAP: Final = {"sdi": SDI, "sag": SAG, "sd": SD, "gd": GD}
_INVALID: Final = 40
_NOT_FOUND: Final = 44


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        child.text = text
    return child


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
