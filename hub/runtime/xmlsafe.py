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

from hub.runtime.errors import PermanentError

__all__ = [
    "MAX_BYTES",
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

MAX_BYTES: Final = 64 * 1024 * 1024
"""The largest document ``parse_xml`` reads unless told otherwise."""


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


def parse_xml(data: bytes, *, max_bytes: int = MAX_BYTES) -> etree._Element:
    """Parse an untrusted document with ``safe_parser()``, refusing any DTD or entity.

    A declaration is refused before libxml2 reads the document; one in another encoding
    (UTF-16) is caught after parsing, from the document's DTD or its entity nodes.

    Raises:
        UnsafeXmlError: the document is over ``max_bytes``, or has a DOCTYPE, an entity
            declaration or an entity reference.
        MalformedXmlError: the document is not well-formed, or exceeds the parser's limits.

    """
    if len(data) > max_bytes:
        msg = f"XML refused: over {max_bytes} bytes"
        raise UnsafeXmlError(msg)
    if _DECLARATION.search(data):
        msg = "XML with a DTD refused"
        raise UnsafeXmlError(msg)
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError:
        msg = "not well-formed XML"  # never libxml2's message: it can quote the document
        raise MalformedXmlError(msg) from None
    info = root.getroottree().docinfo
    doctype: str = getattr(info, "doctype", "")  # lxml-stubs lacks DocInfo.doctype
    if doctype or info.internalDTD is not None or info.externalDTD is not None:
        msg = "XML with a DTD refused"
        raise UnsafeXmlError(msg)
    if any(isinstance(node, etree._Entity) for node in root.iter()):  # noqa: SLF001 - lxml's entity node type
        msg = "XML with an entity reference refused"
        raise UnsafeXmlError(msg)
    return root
