"""A hardened XML parser for this adapter: no DTD, no entities, no network, bounded size.

TEMPORARY: swap for the shared ``hub.xmlsafe`` when it lands; keep the same two errors
(``UnsafeXmlError`` and ``MalformedXmlError``) or map them there, and delete this module.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

__all__ = ["MAX_BYTES", "MalformedXmlError", "UnsafeXmlError", "parse"]

MAX_BYTES: Final = 64 * 1024 * 1024
# A DOCTYPE is how both XXE and entity bombs arrive; refuse it before libxml2 reads it.
# UTF-16 or other encodings are caught again after parsing, through docinfo.
_DOCTYPE: Final = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY: Final = re.compile(rb"<!ENTITY", re.IGNORECASE)


class MalformedXmlError(ValueError):
    """The bytes are not one well-formed XML document."""


class UnsafeXmlError(ValueError):
    """The document carries a DOCTYPE, entities or is too large: refused unread."""


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and are not safe to share across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse(data: bytes, *, max_bytes: int = MAX_BYTES) -> etree._Element:
    """The root element of ``data``.

    Raises:
        UnsafeXmlError: a DOCTYPE or entity declaration, or more than ``max_bytes``.
        MalformedXmlError: not well-formed.

    """
    if len(data) > max_bytes:
        msg = f"XML refused: over {max_bytes} bytes"
        raise UnsafeXmlError(msg)
    if _DOCTYPE.search(data) or _ENTITY.search(data):
        msg = "XML refused: DOCTYPE or entity declaration"
        raise UnsafeXmlError(msg)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        # from None: libxml2's message can quote the document.
        msg = "XML refused: not well-formed"
        raise MalformedXmlError(msg) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        msg = "XML refused: DOCTYPE or entity declaration"
        raise UnsafeXmlError(msg)
    if any(isinstance(node, etree._Entity) for node in root.iter()):  # noqa: SLF001
        msg = "XML refused: entity reference"
        raise UnsafeXmlError(msg)
    return root
