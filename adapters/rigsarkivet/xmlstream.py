"""Streaming XML files: the root's tags written once, each entry serialised and appended.

Entries are built as small lxml elements without a namespace and appended to a root that
declares the namespace as its default, so every entry is in it without repeating the
declaration (an ``xmlfile`` writer would redeclare it on each entry). Nothing but the
current entry is held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Final

from lxml import etree

__all__ = ["DIARK", "XSI", "XmlWriter", "leaf", "streamed"]

DIARK: Final = "http://www.sa.dk/xmlns/diark/1.0"
"""The namespace of every index file."""
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"


class XmlWriter:
    """Appends entries (elements, or already serialised bytes) inside the open root."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write(self, element: etree._Element) -> None:
        """Append one entry; its tags take the root's default namespace."""
        self._handle.write(etree.tostring(element, encoding="utf-8"))
        self._handle.write(b"\n")

    def write_bytes(self, serialised: bytes) -> None:
        """Append an entry already serialised (a table row)."""
        self._handle.write(serialised)


@contextmanager
def streamed(path: Path, root: str, namespace: str, schema: str) -> Iterator[XmlWriter]:
    """Open ``path`` with its root element in ``namespace``; yield the writer.

    The root carries ``xsi:schemaLocation="<namespace> <schema>"``.
    """
    with path.open("wb") as handle:
        handle.write(b"<?xml version='1.0' encoding='utf-8'?>\n")
        handle.write(
            f'<{root} xmlns="{namespace}" xmlns:xsi="{XSI}" '
            f'xsi:schemaLocation="{namespace} {schema}">\n'.encode()
        )
        yield XmlWriter(handle)
        handle.write(f"</{root}>\n".encode())


def leaf(parent: etree._Element, name: str, text: str) -> etree._Element:
    """Append ``<name>text</name>`` to ``parent`` and return it."""
    element = etree.SubElement(parent, name)
    element.text = text
    return element
