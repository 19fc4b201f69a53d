"""Streaming XML files: written element by element with lxml's ``xmlfile``, never held whole."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Final, Protocol

from lxml import etree

__all__ = ["DIARK", "XSI", "XmlWriter", "leaf", "streamed"]

DIARK: Final = "http://www.sa.dk/xmlns/diark/1.0"
"""The namespace of every index file."""
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"


class XmlWriter(Protocol):
    """What this package uses of lxml's incremental writer (``etree.xmlfile``)."""

    def write(self, *content: etree._Element | str, pretty_print: bool = False) -> None:
        """Write elements or text at the current place."""

    def element(
        self, tag: str, attrib: Mapping[str, str] | None = None
    ) -> AbstractContextManager[None]:
        """Open an element; its end tag is written when the block ends."""


@contextmanager
def streamed(path: Path, root: str, namespace: str, schema: str) -> Iterator[XmlWriter]:
    """Open ``path`` with its root element in ``namespace``; yield the writer (``.write``).

    The root carries ``xsi:schemaLocation="<namespace> <schema>"``.
    """
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        attrib = {f"{{{XSI}}}schemaLocation": f"{namespace} {schema}"}
        with xf.element(f"{{{namespace}}}{root}", attrib, nsmap={None: namespace, "xsi": XSI}):
            xf.write("\n")
            yield xf


def leaf(parent: etree._Element, namespace: str, name: str, text: str) -> etree._Element:
    """Append ``<name>text</name>`` to ``parent`` and return it."""
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    element.text = text
    return element
