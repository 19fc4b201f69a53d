"""A document store in a directory: the default, for ``make demo`` and a single machine.

Each document is one file, ``<directory>/<kommunekode>/<document-id>``, created readable
by its owner only (the directory too), written to a temporary file beside it and renamed
into place after ``fsync``, so a reader never sees half a document and a crash leaves none.
File operations run in a worker thread: a 20 MiB write must not stall the event loop.

==================================  ==============================================
what happened                       error
==================================  ==============================================
no such file (the directory is)     ``DocumentNotFoundError``
size or SHA-256 differ              ``DocumentIntegrityError``
any other ``OSError`` (disk full,   ``DocumentStoreUnavailableError``
directory missing or no directory)
==================================  ==============================================
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.documents.port import (
    DocumentNotFoundError,
    DocumentStoreUnavailableError,
    document_key,
    municipality_set,
    new_reference,
    served,
    verified,
)
from contracts.documents import DocumentReference, MediaType
from hub.runtime.statefile import private_file

__all__ = ["LocalDocumentStore"]


class LocalDocumentStore:
    """Documents as private files in ``directory``, one folder per municipality."""

    def __init__(self, directory: Path, *, municipalities: Iterable[str]) -> None:
        self._directory = directory
        self._municipalities = municipality_set(municipalities)

    def __repr__(self) -> str:
        return f"LocalDocumentStore({str(self._directory)!r})"

    async def put(
        self, content: bytes, *, media_type: MediaType, file_name: str, municipality: str
    ) -> DocumentReference:
        """Store ``content``; see ``DocumentStore.put``."""
        served(municipality, self._municipalities)
        reference = new_reference(content, media_type=media_type, file_name=file_name)
        path = self._directory / document_key(municipality, reference)
        with _translate_errors(reference):
            await asyncio.to_thread(_write_atomically, path, content)
        return reference

    async def get(self, reference: DocumentReference, *, municipality: str) -> bytes:
        """The verified bytes; see ``DocumentStore.get``."""
        served(municipality, self._municipalities)
        path = self._directory / document_key(municipality, reference)
        with _translate_errors(reference):
            content = await asyncio.to_thread(_read, self._directory, path)
        return verified(content, reference)


def _read(directory: Path, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if not directory.is_dir():  # the volume is gone, not the document: retry later
            raise NotADirectoryError from None
        raise


def _write_atomically(path: Path, content: bytes) -> None:
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".incoming-")  # created 0600
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            private_file(temporary)
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


@contextmanager
def _translate_errors(reference: DocumentReference) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError:
        msg = f"document {reference.document_id}: not in the store"
        raise DocumentNotFoundError(msg) from None
    except OSError as exc:
        code = type(exc).__name__  # not str(exc): one message shape for every store
        msg = f"document {reference.document_id}: the local store failed ({code})"
        raise DocumentStoreUnavailableError(msg) from None
