"""The AVID folder as it is written: standard schemas, tables, documents, then the indices.

``open_version`` lays out ``AVID.<ARK>.<n>.<m>/`` in a hidden sibling folder, opens every
table file and ``docIndex.xml`` for streaming, and on a clean finish writes
``tableIndex.xml``, ``archiveIndex.xml``, the context documentation and its index, and
``fileIndex.xml`` last. Only then is the folder renamed to its AVID name, so a reader never
sees a half-written version; on any error the hidden folder is removed.

A build that is killed (SIGKILL, power) cannot remove its hidden folder. Each build holds
an exclusive ``flock`` on a lock file beside it, which the kernel drops when the process
dies; the next build of the same AVID removes every hidden folder whose lock nobody holds
and starts again from the beginning (a restart, not a resume: nothing of a killed build is
trusted). A hidden folder whose lock is held is a build under way, and a second build of
that AVID is refused rather than raced.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from adapters.rigsarkivet.context import write_context_documentation
from adapters.rigsarkivet.fileindex import FILE_INDEX, write_file_index
from adapters.rigsarkivet.indices import (
    ArchiveDescription,
    DocIndex,
    doc_index,
    write_archive_index,
    write_context_index,
    write_table_index,
)
from adapters.rigsarkivet.schema import Value
from adapters.rigsarkivet.tablefile import TableFile, table_file
from adapters.rigsarkivet.tables import CODE_LISTS, TABLES, code_rows
from adapters.rigsarkivet.tiff import DPI, to_tiffs
from contracts.archive import AVID_PATTERN
from contracts.documents import MediaType
from hub.runtime.errors import PermanentError

__all__ = [
    "COLLECTION_SIZE",
    "STANDARD_SCHEMAS",
    "ArchiveVersion",
    "BuildUnderWayError",
    "Finished",
    "MissingStandardSchemaError",
    "VersionExistsError",
    "open_version",
]

COLLECTION_SIZE: Final = 10_000
"""At most this many document folders in one ``docCollectionN`` (BKG 128)."""

STANDARD_SCHEMAS: Final = (
    "archiveIndex.xsd",
    "contextDocumentationIndex.xsd",
    "docIndex.xsd",
    "fileIndex.xsd",
    "tableIndex.xsd",
    "XMLSchema.xsd",
)
"""What ``Schemas/standard/`` holds, copied byte for byte from the archivist's folder."""


class MissingStandardSchemaError(PermanentError):
    """The folder named for the standard schemas lacks one of them."""


class VersionExistsError(PermanentError):
    """A version of that name is already in the output folder; it is never overwritten."""


class BuildUnderWayError(PermanentError):
    """Another build of the same AVID is writing into the output folder now."""


@dataclass(frozen=True)
class Finished:
    """A finished version: where it is and what ``fileIndex.xml`` lists."""

    path: Path
    avid: str
    files: int
    size_bytes: int
    file_index_md5: str


class ArchiveVersion:
    """An open version: rows go to ``table(name).write``, documents to ``add_document``."""

    def __init__(
        self,
        root: Path,
        tables: dict[str, TableFile],
        docs: DocIndex,
        collection_size: int = COLLECTION_SIZE,
        dpi: int = DPI,
    ) -> None:
        self.root = root
        self._collection_size = collection_size
        self._dpi = dpi
        self._tables = tables
        self._docs = docs
        self.documents = 0
        self.pages = 0

    def write(self, table: str, row: tuple[Value, ...]) -> None:
        """Append one row to a table."""
        self._tables[table].write(row)

    def add_document(
        self, content: bytes, media_type: MediaType, original_name: str
    ) -> tuple[int, int]:
        """Convert a document to TIFF pages under its new ``dID``; return ``(dID, pages)``.

        Raises:
            UnrenderableDocumentError: it cannot be rendered; nothing of it is kept.

        """
        number = self.documents + 1
        collection = f"docCollection{(number - 1) // self._collection_size + 1}"
        folder = self.root / "Documents" / collection / str(number)
        folder.mkdir(parents=True)
        try:
            pages = to_tiffs(content, media_type, folder, dpi=self._dpi)
        except Exception:
            shutil.rmtree(folder)
            raise
        self._docs.add(number, collection, original_name)
        self.documents = number
        self.pages += pages
        return number, pages


def _copy_schemas(source: Path, target: Path) -> None:
    missing = [name for name in STANDARD_SCHEMAS if not (source / name).is_file()]
    if missing:
        msg = f"--standard-schemas folder lacks {', '.join(missing)}"
        raise MissingStandardSchemaError(msg)
    target.mkdir(parents=True)
    for name in STANDARD_SCHEMAS:
        shutil.copyfile(source / name, target / name)  # bytes as they are: their MD5s matter


def _check_name(avid: str) -> None:
    if re.fullmatch(AVID_PATTERN, avid) is None:
        msg = "not an AVID folder name (AVID.<ARK>.<n>.<m>, e.g. AVID.SA.18005.1)"
        raise ValueError(msg)


@contextmanager
def open_version(  # noqa: PLR0913 - the version, and two dials
    out: Path,
    about: ArchiveDescription,
    standard_schemas: Path,
    *,
    today: dt.date,
    collection_size: int = COLLECTION_SIZE,
    dpi: int = DPI,
) -> Iterator[tuple[ArchiveVersion, list[Finished]]]:
    """Write a version into ``out/<avid>``; the list yielded holds the result after the block.

    ``collection_size`` is the rule's 10,000 (smaller only to test the split); ``dpi`` the
    documents' resolution.

    Raises:
        ValueError: ``about.avid`` is not an AVID folder name.
        VersionExistsError: ``out/<avid>`` exists already.
        BuildUnderWayError: another build of ``about.avid`` is writing into ``out``.
        MissingStandardSchemaError: ``standard_schemas`` lacks one of ``STANDARD_SCHEMAS``.

    """
    _check_name(about.avid)
    final = out / about.avid
    if final.exists():
        msg = f"{about.avid} exists in the output folder; it is never overwritten"
        raise VersionExistsError(msg)
    out.mkdir(parents=True, exist_ok=True)
    with _claimed(out, about.avid) as root:
        yield from _written(root, final, about, standard_schemas, today, collection_size, dpi)


def _try_lock(path: Path) -> int | None:
    """An open descriptor holding ``path``'s exclusive lock, or None if another holds it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def _sweep(out: Path, avid: str) -> None:
    """Remove what killed builds of ``avid`` left; refuse if one is running now."""
    for lock in out.glob(f".{avid}.partial-*.lock"):
        descriptor = _try_lock(lock)
        if descriptor is None:
            msg = f"a build of {avid} is under way in the output folder"
            raise BuildUnderWayError(msg)
        try:
            shutil.rmtree(lock.with_suffix(""), ignore_errors=True)
            lock.unlink()
        finally:
            os.close(descriptor)
    for orphan in out.glob(f".{avid}.partial-*"):  # killed before its lock was taken
        if orphan.is_dir() and not orphan.with_name(f"{orphan.name}.lock").exists():
            shutil.rmtree(orphan, ignore_errors=True)


@contextmanager
def _claimed(out: Path, avid: str) -> Iterator[Path]:
    """A fresh hidden folder for ``avid``, locked for as long as the build runs."""
    _sweep(out, avid)
    root = out / f".{avid}.partial-{uuid.uuid4().hex[:8]}"
    lock = root.with_name(f"{root.name}.lock")
    descriptor = _try_lock(lock)  # before the folder: a folder with no lock is an orphan
    if descriptor is None:  # another build took this very name: cannot happen but once
        msg = f"a build of {avid} is under way in the output folder"
        raise BuildUnderWayError(msg)
    try:
        root.mkdir()
        yield root
    finally:
        with suppress(FileNotFoundError):
            lock.unlink()  # the folder is renamed or removed by now
        os.close(descriptor)


def _written(  # noqa: PLR0913, PLR0917 - open_version's arguments, passed on
    root: Path,
    final: Path,
    about: ArchiveDescription,
    standard_schemas: Path,
    today: dt.date,
    collection_size: int,
    dpi: int,
) -> Iterator[tuple[ArchiveVersion, list[Finished]]]:
    result: list[Finished] = []
    try:
        _copy_schemas(standard_schemas, root / "Schemas" / "standard")
        (root / "Indices").mkdir()
        (root / "Tables").mkdir()
        (root / "Documents").mkdir()
        with ExitStack() as stack:
            files = {
                table.name: stack.enter_context(
                    table_file(root / "Tables", table, f"table{number}")
                )
                for number, table in enumerate(TABLES, start=1)
            }
            docs = stack.enter_context(doc_index(root / "Indices" / "docIndex.xml", _media(about)))
            for name in CODE_LISTS:
                for row in code_rows(name):
                    files[name].write(row)
            version = ArchiveVersion(root, files, docs, collection_size, dpi)
            yield version, result
        result.append(_finish(root, final, about, files, version, today))
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _media(about: ArchiveDescription) -> int:
    return int(about.avid.rsplit(".", 1)[1])


def _finish(  # noqa: PLR0913, PLR0917 - the parts of one finished version
    root: Path,
    final: Path,
    about: ArchiveDescription,
    files: dict[str, TableFile],
    version: ArchiveVersion,
    today: dt.date,
) -> Finished:
    indices = root / "Indices"
    if version.documents == 0:  # docIndex is only for a version with documents
        (indices / "docIndex.xml").unlink()
        (root / "Documents").rmdir()
    write_table_index(
        indices / "tableIndex.xml",
        ((file.table, f"table{n}", file.rows) for n, file in enumerate(files.values(), 1)),
        db_name=about.system_name,
    )
    write_archive_index(indices / "archiveIndex.xml", about, has_documents=version.documents > 0)
    context = write_context_documentation(
        root / "ContextDocumentation", about, [f.table for f in files.values()], today
    )
    write_context_index(indices / "contextDocumentationIndex.xml", context, about.creator)
    listed = write_file_index(root, about.avid)
    index = indices / FILE_INDEX
    with index.open("rb") as handle:
        md5 = hashlib.file_digest(handle, "md5").hexdigest()
    size = listed.size_bytes + index.stat().st_size
    root.rename(final)  # one step: the AVID name appears only on a finished version
    return Finished(final, about.avid, listed.files + 1, size, md5)
