r"""``fileIndex.xml``, written last: every file of the version with the MD5 of its bytes on disk.

The file lists every file but itself (BKG 128 4.C.2). Paths are Windows-style, from the
AVID folder (``AVID.SA.18005.1\Documents\docCollection1\2``), as ``fileIndex.xsd`` wants.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from lxml import etree

from adapters.rigsarkivet.xmlstream import DIARK, leaf, streamed

__all__ = ["FILE_INDEX", "FileIndexSummary", "files_of", "write_file_index"]

FILE_INDEX: Final = "fileIndex.xml"
_NUMBERED: Final = re.compile(r"(\D*)(\d*)(.*)", re.DOTALL)


def files_of(root: Path) -> Iterator[Path]:
    """Every file under ``root`` in a stable order (folders, then names, sorted)."""
    for folder, directories, names in os.walk(root):
        directories.sort(key=_natural)
        for name in sorted(names, key=_natural):
            yield Path(folder) / name


def _natural(name: str) -> tuple[str, int, str]:
    """``docCollection2`` before ``docCollection10``, ``2.tif`` before ``10.tif``."""
    match = _NUMBERED.fullmatch(name)
    if match is None or not match.group(2):
        return (name, 0, "")
    return (match.group(1), int(match.group(2)), match.group(3))


def _md5(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "md5").hexdigest().upper()


class FileIndexSummary:
    """What was listed: how many files and how many bytes."""

    def __init__(self) -> None:
        self.files = 0
        self.size_bytes = 0


def write_file_index(root: Path, avid: str) -> FileIndexSummary:
    """Write ``Indices/fileIndex.xml`` for the version in ``root`` (named ``avid``)."""
    target = root / "Indices" / FILE_INDEX
    summary = FileIndexSummary()
    with streamed(target, "fileIndex", DIARK, "../Schemas/standard/fileIndex.xsd") as xf:
        for path in files_of(root):
            if path == target:
                continue
            relative = path.parent.relative_to(root)
            entry = etree.Element("f")
            leaf(entry, "foN", "\\".join((avid, *relative.parts)))
            leaf(entry, "fiN", path.name)
            leaf(entry, "md5", _md5(path))
            xf.write(entry)
            summary.files += 1
            summary.size_bytes += path.stat().st_size
    return summary
