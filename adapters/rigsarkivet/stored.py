"""Filed documents read through the document port, by the reference their event carries."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.documents.port import DocumentStore
from adapters.rigsarkivet.history import Fetched
from contracts.documents import DocumentFiled, DocumentFiledV2
from contracts.envelope import Event
from hub.runtime.errors import PermanentError

__all__ = ["NoReferenceError", "StoredDocuments"]


class NoReferenceError(PermanentError):
    """The event filed a document without its reference (v1), so its bytes cannot be found."""


@dataclass(frozen=True)
class StoredDocuments:
    """The documents of one municipality in the hub's document store."""

    store: DocumentStore
    municipality: str

    async def fetch(self, event: Event[DocumentFiled]) -> Fetched:
        """The filed bytes, checked by the store against the reference's size and SHA-256.

        Raises:
            NoReferenceError: the event carries no reference.
            DocumentNotFoundError: the store has no such document.
            DocumentIntegrityError: the stored bytes are not the referenced ones.
            DocumentStoreUnavailableError: the store did not answer (the build stops; rerun).

        """
        data = event.data
        reference = data.content if isinstance(data, DocumentFiledV2) else None
        if reference is None:
            msg = "filed without a document reference (DocumentFiled v1): bytes not found"
            raise NoReferenceError(msg)
        content = await self.store.get(reference, municipality=self.municipality)
        return Fetched(content, reference.file_name, reference.media_type)
