"""The SF2900 DistributionService messages the hub sends and reads, built and parsed with lxml.

The shapes follow Serviceplatformen's published schemas (``DistributionServiceMsg.xsd`` of
DistributionService 3, which wraps the version 2 types, and ``DistributionServiceMsgV2.xsd``
/ ``DistributionServiceTypesV2.xsd``; docs/handover.md names the source): the sender's
``FordelingsobjektAfsend`` with a ``DistributionContext`` and a ``DistributionObject``, the
technical receipt in its answer, and the business receipt Serviceplatformen posts back to the
sender, ``FordelingskvitteringModtagAnvenderRequest``. Only the elements the hub uses are
built; every answer is parsed with ``hub.runtime.xmlsafe.parse_xml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lxml import etree

from adapters.soap.standin import SOAP_ENV, envelope
from hub.runtime.errors import PermanentError
from hub.runtime.xmlsafe import parse_xml

__all__ = [
    "AFSEND_ACTION",
    "T2",
    "T3",
    "Context",
    "Kvittering",
    "Kvitteringstype",
    "MalformedMessageError",
    "Validering",
    "afsend_request",
    "afsend_response",
    "kvittering_request",
    "kvittering_response",
    "read_afsend_request",
    "read_afsend_response",
    "read_kvittering_request",
    "refusal_code",
]

T2: Final = "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/2/types"
T3: Final = "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/types"
AFSEND_ACTION: Final = (
    "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/port/FordelingsobjektAfsend"
)
_KLE_HANDOVER: Final = "27.24.00"  # KLE: Børn og unge med særlige behov (the case's subject)
_CVR: Final = re.compile(r"[0-9]{8}")
_CODE: Final = re.compile(r"[a-z0-9_]{1,40}")


class MalformedMessageError(PermanentError):
    """A message that is not the SF2900 shape the hub reads (never quoting it)."""


class Validering(StrEnum):
    """``ForretningsValideringsKode``: how far a distribution got."""

    MODTAGET = "MODTAGET"  # received by Serviceplatformen (the technical receipt)
    AFLEVERET = "AFLEVERET"  # handed to the receiving system
    ACCEPTERET = "ACCEPTERET"  # the receiving system took it
    AFVIST = "AFVIST"  # the receiving system refused it (``Begrundelse``: why)
    FEJLET = "FEJLET"  # it could not be handed over

    @property
    def final(self) -> bool:
        """True for an outcome (accepted, refused, failed), not a step on the way."""
        return self in {Validering.ACCEPTERET, Validering.AFVIST, Validering.FEJLET}


class Kvitteringstype(StrEnum):
    """``Kvitteringstype``: a technical or a business receipt."""

    TEKNISK = "Teknisk"
    FORRETNING = "Forretning"


@dataclass(frozen=True)
class Context:
    """The ``DistributionContext`` the hub fills in."""

    transaction: str  # AnvenderTransaktionsID
    sender_cvr: str  # AfsendendeMyndighed
    receiver_cvr: str  # RoutingMyndighed
    file_name: str  # DokumentFilNavn: the material on the SFTP server
    distribution: str | None = None  # DistributionTransktionsID, Serviceplatformen's id


@dataclass(frozen=True)
class Kvittering:
    """A ``Forretningskvittering``: its code, its type and its ``Begrundelse``."""

    code: Validering
    kind: Kvitteringstype
    reason: str | None = None


def afsend_request(context: Context) -> bytes:
    """``FordelingsobjektAfsendRequest`` for a document on the SFTP server."""
    request = etree.Element(f"{{{T3}}}FordelingsobjektAfsendRequest", nsmap={"t3": T3, "t2": T2})
    anmodning = etree.SubElement(request, f"{{{T3}}}anmodning")
    anmodning.append(_context(context))
    distribution = etree.SubElement(anmodning, f"{{{T2}}}DistributionObject")
    etree.SubElement(distribution, f"{{{T2}}}ObjektType").text = "DOKUMENT"
    etree.SubElement(distribution, f"{{{T2}}}ObjektIndhold")  # the content is the file
    return envelope(request)


def afsend_response(kvittering: Kvittering, context: Context) -> bytes:
    """``FordelingsobjektAfsendResponse``: the technical receipt (the stand-in's answer)."""
    response = etree.Element(f"{{{T3}}}FordelingsobjektAfsendResponse", nsmap={"t3": T3, "t2": T2})
    response.append(_kvittering(kvittering, f"{{{T3}}}ForretningsKvittering"))
    response.append(_context(context, f"{{{T3}}}DistributionContext"))
    return envelope(response)


def kvittering_request(kvittering: Kvittering, context: Context) -> bytes:
    """``FordelingskvitteringModtagAnvenderRequest``: a receipt posted back to the sender."""
    request = etree.Element(f"{{{T2}}}FordelingskvitteringModtagAnvenderRequest", nsmap={"t2": T2})
    request.append(_kvittering(kvittering, f"{{{T2}}}Forretningskvittering"))
    request.append(_context(context))
    return envelope(request)


def kvittering_response() -> bytes:
    """The (empty) ``FordelingskvitteringModtagAnvenderResponse``."""
    return envelope(etree.Element(f"{{{T2}}}FordelingskvitteringModtagAnvenderResponse"))


def read_afsend_request(body: bytes) -> Context:
    """The context of a ``FordelingsobjektAfsendRequest``.

    Raises:
        MalformedMessageError: not that request (``UnsafeXmlError``: not safe XML).

    """
    request = _body_of(body, f"{{{T3}}}FordelingsobjektAfsendRequest")
    return _read_context(
        _child(_child(request, f"{{{T3}}}anmodning"), f"{{{T2}}}DistributionContext")
    )


def read_afsend_response(body: bytes) -> tuple[Kvittering, Context]:
    """The technical receipt and the context of a ``FordelingsobjektAfsendResponse``."""
    response = _body_of(body, f"{{{T3}}}FordelingsobjektAfsendResponse")
    return (
        _read_kvittering(_child(response, f"{{{T3}}}ForretningsKvittering")),
        _read_context(_child(response, f"{{{T3}}}DistributionContext")),
    )


def read_kvittering_request(body: bytes) -> tuple[Kvittering, Context]:
    """The receipt and the context of a ``FordelingskvitteringModtagAnvenderRequest``."""
    request = _body_of(body, f"{{{T2}}}FordelingskvitteringModtagAnvenderRequest")
    return (
        _read_kvittering(_child(request, f"{{{T2}}}Forretningskvittering")),
        _read_context(_child(request, f"{{{T2}}}DistributionContext")),
    )


def _context(context: Context, tag: str = f"{{{T2}}}DistributionContext") -> etree._Element:
    element = etree.Element(tag, nsmap={"t2": T2})
    etree.SubElement(element, f"{{{T2}}}AnvenderTransaktionsID").text = context.transaction
    if context.distribution is not None:
        etree.SubElement(element, f"{{{T2}}}DistributionTransktionsID").text = context.distribution
    etree.SubElement(element, f"{{{T2}}}AfsendendeMyndighed").text = context.sender_cvr
    etree.SubElement(element, f"{{{T2}}}RoutingMyndighed").text = context.receiver_cvr
    routing = etree.SubElement(
        etree.SubElement(element, f"{{{T2}}}RoutingValg"), f"{{{T2}}}RoutingKLEEmneHandling"
    )
    etree.SubElement(routing, f"{{{T2}}}RoutingKLEEmne").text = _KLE_HANDOVER
    etree.SubElement(element, f"{{{T2}}}DokumentFilNavn").text = context.file_name
    return element


def _kvittering(kvittering: Kvittering, tag: str) -> etree._Element:
    element = etree.Element(tag, nsmap={"t2": T2})
    etree.SubElement(element, f"{{{T2}}}ForretningsValideringsKode").text = kvittering.code.value
    etree.SubElement(element, f"{{{T2}}}Kvitteringstype").text = kvittering.kind.value
    if kvittering.reason is not None:
        etree.SubElement(element, f"{{{T2}}}Begrundelse").text = kvittering.reason
    return element


def _body_of(body: bytes, tag: str) -> etree._Element:
    root = parse_xml(body)
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        msg = "SF2900: not a SOAP envelope"
        raise MalformedMessageError(msg)
    return _child(_child(root, f"{{{SOAP_ENV}}}Body"), tag)


def _child(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        msg = f"SF2900: no {etree.QName(tag).localname}"
        raise MalformedMessageError(msg)
    return found


def _text(parent: etree._Element, tag: str) -> str | None:
    found = parent.find(f"{{{T2}}}{tag}")
    return None if found is None or found.text is None else found.text.strip()


def _read_context(element: etree._Element) -> Context:
    transaction = _text(element, "AnvenderTransaktionsID")
    sender, receiver = _text(element, "AfsendendeMyndighed"), _text(element, "RoutingMyndighed")
    name = _text(element, "DokumentFilNavn")
    if transaction is None or sender is None or receiver is None or name is None:
        msg = "SF2900: an incomplete DistributionContext"
        raise MalformedMessageError(msg)
    if not (_CVR.fullmatch(sender) and _CVR.fullmatch(receiver)):
        msg = "SF2900: a CVR number that is not eight digits"
        raise MalformedMessageError(msg)
    return Context(transaction, sender, receiver, name, _text(element, "DistributionTransktionsID"))


def _read_kvittering(element: etree._Element) -> Kvittering:
    try:
        code = Validering(_text(element, "ForretningsValideringsKode") or "")
        kind = Kvitteringstype(_text(element, "Kvitteringstype") or "")
    except ValueError:
        msg = "SF2900: an unknown receipt code or type"
        raise MalformedMessageError(msg) from None
    return Kvittering(code, kind, _text(element, "Begrundelse"))


def refusal_code(reason: str | None) -> str:
    """A refusal's ``Begrundelse`` as a code the hub carries, or ``unreadable``."""
    return reason if reason is not None and _CODE.fullmatch(reason) else "unreadable"
