"""Hardened XML parsing: no DTDs, no entities, no network, no huge trees, for every parser here.

Every XML parser in the hub comes from this module: ``safe_parser()`` for lxml and
``ZEEP_SETTINGS`` for zeep (which ``adapters/*/client.py`` passes to ``zeep.Settings``).
A document with a DTD is refused outright, whatever it declares: SOAP forbids DTDs, and
no message the hub reads needs one. That stops external entities (XXE) and entity
expansion ("billion laughs") before anything is resolved. Errors are ``PermanentError``
subclasses whose messages never quote the document.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

from lxml import etree

from hub.errors import PermanentError

__all__ = [
    "ZEEP_SETTINGS",
    "MalformedXmlError",
    "UnsafeXmlError",
    "parse_xml",
    "safe_parser",
]

ZEEP_SETTINGS: Final = MappingProxyType(
    {
        "strict": True,
        "xml_huge_tree": False,
        "forbid_dtd": True,
        "forbid_entities": True,
        "forbid_external": True,
    }
)
"""Keyword arguments for ``zeep.Settings``: strict parsing, and no DTD, entity or fetch."""

_DECLARATION: Final = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXmlError(PermanentError):
    """The document carries a DTD, an entity or an external reference: refused unread."""


class MalformedXmlError(PermanentError):
    """The document is not well-formed XML (or is too large or too deep to parse safely)."""


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entity, loads no DTD and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse an untrusted document with ``safe_parser()``, refusing any DTD.

    Raises:
        UnsafeXmlError: the document has a DOCTYPE (and so may declare entities).
        MalformedXmlError: the document is not well-formed, or exceeds the parser's limits.

    """
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError:
        # libxml2 gives up on some entity bombs even unexpanded: still a DTD, still refused.
        if _DECLARATION.search(data):
            msg = "XML with a DTD refused"
            raise UnsafeXmlError(msg) from None
        msg = "not well-formed XML"
        raise MalformedXmlError(msg) from None
    info = root.getroottree().docinfo
    doctype: str = getattr(info, "doctype", "")  # lxml-stubs lacks DocInfo.doctype
    if doctype or info.internalDTD is not None or info.externalDTD is not None:
        msg = "XML with a DTD refused"
        raise UnsafeXmlError(msg)
    return root
