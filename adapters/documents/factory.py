"""The document store the settings name, opened for the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.documents.local import LocalDocumentStore
from adapters.documents.port import DocumentStore
from adapters.documents.s3 import S3DocumentStore
from adapters.documents.settings import DocumentStoreSettings

__all__ = ["open_document_store"]


@asynccontextmanager
async def open_document_store(
    settings: DocumentStoreSettings, *, state_dir: Path, municipalities: Iterable[str]
) -> AsyncIterator[DocumentStore]:
    """The local store (default ``<state_dir>/documents``) or the S3 store, closed on exit.

    Raises:
        OSError: an S3 credential file cannot be read (the hub does not start).

    """
    if settings.s3 is not None and settings.kind == "s3":
        async with S3DocumentStore.connect(settings.s3, municipalities=municipalities) as store:
            yield store
        return
    directory = settings.directory or state_dir / "documents"
    yield LocalDocumentStore(directory, municipalities=municipalities)
