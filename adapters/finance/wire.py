"""The SF1590_A "Afsend økonomipostering" messages as SOAP 1.1 XML, for client and stand-in.

The element names follow the operation's published name; the namespace and the field names
are ours (``docs/finance.md`` says which parts are documented and which are guesses).
Parsing goes through ``hub.runtime.xmlsafe``, so no DTD or entity is ever resolved.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Final

from lxml import etree

from adapters.finance.port import BookedPosting, Posting, PostingKind, UnreadableBooking
from hub.runtime.errors import PermanentError
from hub.runtime.xmlsafe import parse_xml

__all__ = [
    "FEED_OPERATION",
    "FEED_PATH",
    "NS",
    "OPERATION",
    "PATH",
    "SOAP_NS",
    "WireError",
    "bookings_xml",
    "fault",
    "feed_request_xml",
    "parse_bookings",
    "parse_fault",
    "parse_feed_request",
    "parse_posting",
    "parse_receipt",
    "posting_xml",
    "receipt_xml",
]

SOAP_NS: Final = "http://schemas.xmlsoap.org/soap/envelope/"
NS: Final = "urn:casehub:fk-oeko:sf1590:1"  # a guess: the real namespace is in KOMBIT's WSDL
OPERATION: Final = "AfsendOekonomipostering"
PATH: Final = "/service/FKOEKO/AfsendOekonomipostering/1"
FEED_OPERATION: Final = "HentBogfoerteOekonomiposteringer"  # a guess, as the rest
FEED_PATH: Final = "/service/FKOEKO/HentBogfoerteOekonomiposteringer/1"
_BOOKING_FIELDS: Final = (
    "Loebenummer",
    "PosteringId",
    "PosteringNoegle",
    "Art",
    "Konto",
    "Periode",
    "BeloebOere",
    "Reference",
    "Sagsreference",
    "Bogfoeringsdato",
)
_PERIOD: Final = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_FIELDS: Final = (
    "PosteringNoegle",
    "Kommunekode",
    "Art",
    "Konto",
    "Omkostningssted",
    "Periode",
    "BeloebOere",
    "Reference",
    "Posteringsdato",
    "Sagsreference",
)


class WireError(PermanentError):
    """A message is not the shape this module writes; names the part, never the content."""


def _envelope(body: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS, "fk": NS})
    etree.SubElement(env, f"{{{SOAP_NS}}}Body").append(body)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))


def _body(data: bytes) -> etree._Element:
    root = parse_xml(data)
    body = root.find(f"{{{SOAP_NS}}}Body")
    if root.tag != f"{{{SOAP_NS}}}Envelope" or body is None or len(body) != 1:
        msg = "not a SOAP 1.1 envelope with one body element"
        raise WireError(msg)
    return body[0]


def posting_xml(posting: Posting) -> bytes:
    """The request for one posting."""
    request = etree.Element(f"{{{NS}}}{OPERATION}")
    values = (
        posting.key,
        posting.municipality,
        posting.kind.value,
        posting.account,
        posting.cost_centre,
        posting.period,
        str(posting.amount_ore),
        posting.reference,
        posting.posting_date.isoformat(),
        posting.case_reference,
    )
    for name, value in zip(_FIELDS, values, strict=True):
        etree.SubElement(request, f"{{{NS}}}{name}").text = value
    return _envelope(request)


def parse_posting(data: bytes) -> Posting:
    """The posting in a request.

    Raises:
        WireError: the request is not a posting.

    """
    request = _body(data)
    if request.tag != f"{{{NS}}}{OPERATION}":
        msg = "not an AfsendOekonomipostering request"
        raise WireError(msg)
    found = {child.tag.split("}")[-1]: child.text or "" for child in request}
    if set(found) != set(_FIELDS):
        msg = "the posting's fields are not the expected ones"
        raise WireError(msg)
    try:
        return Posting(
            key=found["PosteringNoegle"],
            municipality=found["Kommunekode"],
            kind=PostingKind(found["Art"]),
            account=found["Konto"],
            cost_centre=found["Omkostningssted"],
            period=found["Periode"],
            amount_ore=int(found["BeloebOere"]),
            reference=found["Reference"],
            posting_date=dt.date.fromisoformat(found["Posteringsdato"]),
            case_reference=found["Sagsreference"],
        )
    except ValueError:
        msg = "a posting field has the wrong form"
        raise WireError(msg) from None


def receipt_xml(key: str, posting_id: str, *, duplicate: bool) -> bytes:
    """The answer for a posting taken (or taken before)."""
    answer = etree.Element(f"{{{NS}}}{OPERATION}Svar")
    etree.SubElement(answer, f"{{{NS}}}PosteringNoegle").text = key
    etree.SubElement(answer, f"{{{NS}}}PosteringId").text = posting_id
    etree.SubElement(answer, f"{{{NS}}}Dublet").text = "true" if duplicate else "false"
    return _envelope(answer)


def parse_receipt(data: bytes) -> tuple[str, str, bool]:
    """(key, posting id, duplicate) from an answer.

    Raises:
        WireError: the answer is not a receipt.

    """
    answer = _body(data)
    key = answer.findtext(f"{{{NS}}}PosteringNoegle")
    posting_id = answer.findtext(f"{{{NS}}}PosteringId")
    duplicate = answer.findtext(f"{{{NS}}}Dublet")
    if not key or not posting_id or duplicate not in {"true", "false"}:
        msg = "not an AfsendOekonomiposteringSvar"
        raise WireError(msg)
    return key, posting_id, duplicate == "true"


def fault(code: str, reason: str) -> bytes:
    """A SOAP fault refusing a posting: ``soap:Client``, the code and reason in its detail."""
    env_fault = etree.Element(f"{{{SOAP_NS}}}Fault")
    etree.SubElement(env_fault, "faultcode").text = "soap:Client"
    etree.SubElement(env_fault, "faultstring").text = "posting rejected"
    detail = etree.SubElement(etree.SubElement(env_fault, "detail"), f"{{{NS}}}Afvisning")
    etree.SubElement(detail, f"{{{NS}}}Kode").text = code
    etree.SubElement(detail, f"{{{NS}}}Aarsag").text = reason
    return _envelope(env_fault)


def parse_fault(data: bytes) -> tuple[str, str]:
    """(code, reason) of a rejecting fault.

    Raises:
        WireError: the answer is not such a fault.

    """
    env_fault = _body(data)
    code = env_fault.findtext(f"detail/{{{NS}}}Afvisning/{{{NS}}}Kode")
    reason = env_fault.findtext(f"detail/{{{NS}}}Afvisning/{{{NS}}}Aarsag")
    if env_fault.tag != f"{{{SOAP_NS}}}Fault" or not code or reason is None:
        msg = "not a posting rejection fault"
        raise WireError(msg)
    return code, reason


def feed_request_xml(municipality: str, after: int) -> bytes:
    """The request for a municipality's bookings after a sequence number."""
    request = etree.Element(f"{{{NS}}}{FEED_OPERATION}")
    etree.SubElement(request, f"{{{NS}}}Kommunekode").text = municipality
    etree.SubElement(request, f"{{{NS}}}FraLoebenummer").text = str(after)
    return _envelope(request)


def parse_feed_request(data: bytes) -> tuple[str, int]:
    """(municipality, after) of a feed request.

    Raises:
        WireError: the request is not one.

    """
    request = _body(data)
    municipality = request.findtext(f"{{{NS}}}Kommunekode")
    after = request.findtext(f"{{{NS}}}FraLoebenummer") or ""
    if request.tag != f"{{{NS}}}{FEED_OPERATION}" or not municipality or not after.isdigit():
        msg = "not a HentBogfoerteOekonomiposteringer request"
        raise WireError(msg)
    return municipality, int(after)


def bookings_xml(bookings: list[BookedPosting]) -> bytes:
    """The answer: the bookings, oldest first."""
    answer = etree.Element(f"{{{NS}}}{FEED_OPERATION}Svar")
    for booking in bookings:
        element = etree.SubElement(answer, f"{{{NS}}}BogfoertPostering")
        values = (
            str(booking.sequence),
            booking.posting_id,
            booking.key,
            booking.kind.value,
            booking.account,
            booking.period,
            str(booking.amount_ore),
            booking.reference,
            booking.case_reference,
            booking.booked_on.isoformat(),
        )
        for name, value in zip(_BOOKING_FIELDS, values, strict=True):
            etree.SubElement(element, f"{{{NS}}}{name}").text = value
    return _envelope(answer)


def parse_bookings(data: bytes) -> list[BookedPosting | UnreadableBooking]:
    """The bookings in an answer; one whose place is known but not the rest is unreadable.

    A booking is unreadable when a field is missing, extra or of the wrong form (a period
    that is not ``YYYY-MM``, an amount that is not a number, ...); it keeps its place in the
    feed and its own bytes, so the feed reads on past it.

    Raises:
        WireError: the answer is not a list of bookings, or a booking has no sequence
            number (nothing after it could be placed).

    """
    answer = _body(data)
    if answer.tag != f"{{{NS}}}{FEED_OPERATION}Svar":
        msg = "not a HentBogfoerteOekonomiposteringerSvar"
        raise WireError(msg)
    found: list[BookedPosting | UnreadableBooking] = []
    for element in answer:
        fields = {child.tag.split("}")[-1]: child.text or "" for child in element}
        sequence = fields.get("Loebenummer", "")
        if not sequence.isdigit():
            msg = "a booking has no sequence number"
            raise WireError(msg)
        try:
            found.append(_booking(fields))
        except WireError as exc:
            found.append(UnreadableBooking(int(sequence), str(exc), _alone(answer, element)))
    return found


def _booking(fields: dict[str, str]) -> BookedPosting:
    if set(fields) != set(_BOOKING_FIELDS):
        msg = "a booking's fields are not the expected ones"
        raise WireError(msg)
    if not _PERIOD.fullmatch(fields["Periode"]):
        msg = "a booking's period is not YYYY-MM"
        raise WireError(msg)
    try:
        return BookedPosting(
            sequence=int(fields["Loebenummer"]),
            posting_id=fields["PosteringId"],
            key=fields["PosteringNoegle"],
            kind=PostingKind(fields["Art"]),
            account=fields["Konto"],
            period=fields["Periode"],
            amount_ore=int(fields["BeloebOere"]),
            reference=fields["Reference"],
            case_reference=fields["Sagsreference"],
            booked_on=dt.date.fromisoformat(fields["Bogfoeringsdato"]),
        )
    except ValueError:
        msg = "a booking field has the wrong form"
        raise WireError(msg) from None


def _alone(answer: etree._Element, element: etree._Element) -> bytes:
    """An answer of this one booking, as the finance system sent it."""
    alone = etree.Element(answer.tag)
    alone.append(copy.deepcopy(element))
    return _envelope(alone)
