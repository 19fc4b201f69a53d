"""SF1470 SagDokumentIndeks v6 messages: the request bodies the client sends, the answers it reads.

Written from the public interface (the OIO "sagdok" model as KOMBIT's SF1470 uses it): each
builder returns the element that goes inside ``soap:Body``, in the official element order, so
the requests validate against the official schemas (the conformance tests check that). Parsing
reads elements the hardened parser produced; it never quotes what it read in an error.

Assumptions the public material does not settle (unverified against the real index):

- KLE numbers are referenced as ``urn:oio:kle:<number>``; the real index may want the
  Klassifikation UUID of the KLE class instead.
- Relation roles and types are URNs of the form ``urn:oio:sagdok:<relation>:<role>``, where
  the real index wants the Klassifikation UUIDs of those roles.
- ``StandardRetur/StatusKode`` follows HTTP: 20 ok, 40 invalid, 43 refused, 44 not found,
  49 already there, 50 server error.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Final

from lxml import etree

from adapters.archive.port import ArchiveCase, Entry, EntryKind, NewCase
from adapters.archive.settings import ArchiveAgreement

__all__ = [
    "DI",
    "GD",
    "HEADER",
    "SAG",
    "SD",
    "SDI",
    "STATUS_CONFLICT",
    "STATUS_OK",
    "Status",
    "case_import",
    "document_import",
    "found_cases",
    "journal_post",
    "kle_urn",
    "party_urn",
    "search_case",
    "status_of",
]

SDI: Final = "urn:oio:sts:sagdok:sagdokumentindeks:6"
SAG: Final = "urn:oio:sts:sagdok:sag:6"
DI: Final = "urn:oio:sts:sagdok:dokumentindeks:6"
SD: Final = "urn:oio:sagdok:3.0.0"
GD: Final = "urn:oio:sts:generelledefinitioner:6"
HEADER: Final = "http://kombit.dk/xml/schemas/RequestHeader/1/"
_NSMAP: Final = {"sdi": SDI, "sag": SAG, "di": DI, "sd": SD, "gd": GD}

STATUS_OK: Final = 20
STATUS_CONFLICT: Final = 49
_DOCUMENT_TYPE: Final = "Andet"


def kle_urn(kle: str) -> str:
    """The reference of a KLE class (assumption: see the module docstring)."""
    return f"urn:oio:kle:{kle}"


def party_urn(cpr_digits: str) -> str:
    """The reference of a person party: ``urn:oio:cpr-nr:<ten digits>`` (KOMBIT's guidance)."""
    return f"urn:oio:cpr-nr:{cpr_digits}"


def _role(relation: str, role: str) -> str:
    return f"urn:oio:sagdok:{relation}:{role}"


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        child.text = text
    return child


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _unik(parent: etree._Element, ns: str, tag: str, reference: str) -> None:
    """A ``sd:UnikIdType``: a UUID when it is one, else a URN."""
    holder = _el(parent, ns, tag)
    try:
        _el(holder, SD, "UUIDIdentifikator", str(uuid.UUID(reference)))
    except ValueError:
        _el(holder, SD, "URNIdentifikator", reference)


def _virkning(parent: etree._Element, ns: str, since: dt.datetime, actor: uuid.UUID) -> None:
    virkning = _el(parent, ns, "Virkning")
    _el(_el(virkning, SD, "FraTidspunkt"), SD, "TidsstempelDatoTid", _stamp(since))
    _el(_el(virkning, SD, "TilTidspunkt"), SD, "GraenseIndikator", "true")
    _unik(virkning, SD, "AktoerRef", f"urn:oio:it-system-uuid:{actor}")
    _el(virkning, SD, "AktoerTypeKode", "ItSystem")


def _relation(  # noqa: PLR0913 - one argument per field of a relation
    parent: etree._Element,
    tag: str,
    *,
    since: dt.datetime,
    actor: uuid.UUID,
    role: str,
    reference: str,
    ns: str = SAG,
) -> etree._Element:
    relation = _el(parent, ns, tag)
    _virkning(relation, GD, since, actor)
    _unik(relation, GD, "Rolle", role)
    _unik(relation, GD, "ReferenceID", reference)
    return relation


def _registration(
    parent: etree._Element, ns: str, when: dt.datetime, actor: uuid.UUID
) -> etree._Element:
    """The registration data every import carries (LivscyklusKode is always Importeret)."""
    registration = _el(parent, ns, "Registrering")
    _el(registration, SD, "Tidspunkt", _stamp(when))
    _el(registration, SD, "LivscyklusKode", "Importeret")
    _unik(registration, SD, "BrugerRef", f"urn:oio:it-system-uuid:{actor}")
    return registration


def case_import(case: NewCase, agreement: ArchiveAgreement) -> etree._Element:
    """``ImporterSagDokumentIndeksInput`` creating ``case`` with its party and KLE class."""
    actor = agreement.it_system_uuid
    root = etree.Element(f"{{{SDI}}}ImporterSagDokumentIndeksInput", nsmap=_NSMAP)
    sag = _el(root, SDI, "SagIndeks")
    _el(sag, SD, "UUIDIdentifikator", str(case.case_id))
    registration = _registration(sag, SAG, case.opened_at, actor)
    attributes = _el(_el(registration, SAG, "AttributListe"), SAG, "Egenskaber")
    _virkning(attributes, SAG, case.opened_at, actor)
    _el(attributes, SAG, "BrugervendtNoegle", case.case_number)
    _el(attributes, SAG, "Sagsnummer", case.case_number)
    _el(attributes, SAG, "Titel", case.title[:255])
    progress = _el(_el(registration, SAG, "TilstandListe"), SAG, "Fremdrift")
    _virkning(progress, SAG, case.opened_at, actor)
    _el(progress, SAG, "FremdriftStatusKode", "Opstaaet")
    relations = _el(registration, SAG, "RelationListe")
    for tag, role, reference in (
        ("Sagsaktoer", "ejer", str(agreement.organisation_uuid)),
        ("Sagsaktoer", "ansvarlig", str(agreement.responsible_unit_uuid)),
        ("Sagsklasse", "primaerklasse", kle_urn(case.kle)),
        ("Sagspart", "primaerpart", party_urn(case.party.reveal())),
    ):
        role_urn = _role(tag.lower(), role)
        _relation(
            relations, tag, since=case.opened_at, actor=actor, role=role_urn, reference=reference
        )
    return root


def document_import(entry: Entry, agreement: ArchiveAgreement) -> etree._Element:
    """``ImporterSagDokumentIndeksInput`` indexing the document ``entry`` names."""
    actor = agreement.it_system_uuid
    root = etree.Element(f"{{{SDI}}}ImporterSagDokumentIndeksInput", nsmap=_NSMAP)
    document = _el(root, SDI, "DokumentIndeks")
    _el(document, SD, "UUIDIdentifikator", str(entry.entry_id))
    registration = _registration(document, DI, entry.filed_at, actor)
    attributes = _el(_el(registration, DI, "AttributListe"), DI, "Egenskaber")
    _virkning(attributes, DI, entry.filed_at, actor)
    _el(attributes, DI, "BrugervendtNoegle", entry.reference[:50])
    _el(attributes, DI, "Titel", entry.title[:255])
    if entry.sha256 is not None:
        _el(attributes, DI, "Beskrivelse", f"sha256:{entry.sha256}")
    _el(attributes, DI, "BrevDato", entry.filed_at.date().isoformat())
    _el(attributes, DI, "Dokumentnummer", entry.reference[:50])
    _el(attributes, DI, "Foelsomhed", "FOELSOMME_PERSONOPLYSNINGER")
    _el(attributes, DI, "Type", entry.document_type or _DOCUMENT_TYPE)
    _el(registration, DI, "TilstandListe")
    relations = _el(registration, DI, "RelationListe")
    _relation(
        relations,
        "Dokumentpart",
        since=entry.filed_at,
        actor=actor,
        role=_role("dokumentpart", "primaerpart"),
        reference=party_urn(entry.party.reveal()),
        ns=DI,
    )
    return root


def journal_post(
    case: ArchiveCase, entry: Entry, agreement: ArchiveAgreement, *, now: dt.datetime
) -> etree._Element:
    """``OpdaterSagDokumentIndeksInput`` adding one journal post to ``case``.

    A document is tilakteret (its post refers to the indexed document); a note is a
    journalnotat (reference ``URN:Empty``, the text base64 in ``Notat``). The post's
    ``Indeks`` is the entry's id, so the index can recognise a second filing.
    """
    actor = agreement.it_system_uuid
    root = etree.Element(f"{{{SDI}}}OpdaterSagDokumentIndeksInput", nsmap=_NSMAP)
    update = _el(root, SDI, "OpdaterSagIndeks")
    _el(update, SD, "UUIDIdentifikator", str(case.case_id))
    relations = _el(update, SAG, "RelationListe")
    post = _el(relations, SAG, "Journalpost")
    _virkning(post, GD, entry.filed_at, actor)
    note = entry.kind is EntryKind.JOURNAL_NOTE
    _unik(post, GD, "Rolle", _role("journalpost", "journalnotat" if note else "tilakteret"))
    _unik(post, GD, "Type", _role("journalpost", "dokument"))
    _el(post, GD, "Indeks", str(entry.entry_id))
    _unik(post, GD, "ReferenceID", "URN:Empty" if note else str(entry.entry_id))
    properties = _el(post, SAG, "JournalpostEgenskaber")
    _el(properties, SAG, "Dokumenttitel", entry.title[:255])
    if note:
        journal_note = _el(properties, SAG, "JournalnotatEgenskaber")
        _el(journal_note, SAG, "Titel", entry.title[:255])
        text = (entry.text or "").encode()
        _el(journal_note, SAG, "Notat", base64.b64encode(text).decode("ascii"))
        _el(journal_note, SAG, "Format", "text/plain")
    _el(update, SDI, "Tidspunkt", _stamp(now))
    return root


def search_case(kle: str, party_digits: str) -> etree._Element:
    """``FremsoegSagDokumentIndeksInput`` for the cases of a primary party under a KLE class."""
    root = etree.Element(f"{{{SDI}}}FremsoegSagDokumentIndeksInput", nsmap=_NSMAP)
    search = _el(_el(root, SDI, "SoegUdtryk"), SDI, "SoegSag")
    _el(search, SD, "MaksimalAntalKvantitet", "10")
    _el(search, SAG, "AttributListe")
    _el(search, SAG, "TilstandListe")
    relations = _el(search, SAG, "RelationListe")
    klasse = _el(relations, SAG, "Sagsklasse")
    _unik(klasse, GD, "ReferenceID", kle_urn(kle))
    part = _el(relations, SAG, "Sagspart")
    _unik(part, GD, "ReferenceID", party_urn(party_digits))
    return root


@dataclass(frozen=True, slots=True)
class Status:
    """A ``StandardRetur``: the status code and whether the text was there (never the text)."""

    code: int | None


def status_of(output: etree._Element) -> Status:
    """The first ``StatusKode`` in an output; None when there is none or it is not a number."""
    text = output.findtext(f".//{{{SD}}}StatusKode")
    try:
        return Status(int((text or "").strip()))
    except ValueError:
        return Status(None)


def found_cases(output: etree._Element, kle: str) -> list[ArchiveCase]:
    """The cases in a ``FremsoegSagDokumentIndeksOutput``, in the order the index gave them."""
    cases = []
    for snapshot in output.iter(f"{{{SDI}}}SagFiltreretOejebliksbillede"):
        case_id = snapshot.findtext(f"{{{SAG}}}ObjektType/{{{SD}}}UUIDIdentifikator")
        number = snapshot.findtext(
            f"{{{SAG}}}Registrering/{{{SAG}}}AttributListe/{{{SAG}}}Egenskaber/{{{SAG}}}Sagsnummer"
        )
        if case_id is None or not number:
            msg = "case without id or number"
            raise ValueError(msg)
        cases.append(ArchiveCase(uuid.UUID(case_id.strip()), number.strip(), kle))
    return cases
