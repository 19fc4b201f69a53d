"""The case's documents, read through the document port into the package, and stored on arrival.

Sending: each filed document's bytes are read with its reference (the store checks size and
SHA-256); one missing or altered ends the handover in quarantine, its reason naming the
document id (never its file name, which may name a person), so no package is sent half.
Receiving: each document of an opened package is stored in the receiver's own store, under
its own municipality and a new id (``<kommunekode>/<uuid>``), for its case system.
"""

from __future__ import annotations

from adapters.documents.port import (
    DocumentIntegrityError,
    DocumentNotFoundError,
    DocumentRejectedError,
    DocumentStore,
    DocumentStoreUnavailableError,
)
from adapters.handover.manifest import PackedDocument
from adapters.handover.refusal import PackageRefusedError, Refusal
from contracts.documents import DocumentReference
from hub.runtime.errors import PermanentError

__all__ = ["DocumentUnreadableError", "NoDocumentStoreError", "packed", "stored"]


class DocumentUnreadableError(PermanentError):
    """A filed document is not in the store, or its bytes are not its reference's."""


class NoDocumentStoreError(PermanentError):
    """The case has documents and this hub has no document store to read them from."""


async def packed(
    references: tuple[DocumentReference, ...], store: DocumentStore | None, *, municipality: str
) -> tuple[PackedDocument, ...]:
    """Every document with its bytes, read and checked; all of them or none.

    Raises:
        DocumentUnreadableError: one is missing or altered (its id in the message).
        NoDocumentStoreError: documents, and no store.
        DocumentStoreUnavailableError: the store did not answer; try again.

    """
    if not references:
        return ()
    if store is None:
        msg = "handover: the case has documents and this hub has no document store"
        raise NoDocumentStoreError(msg)
    documents: list[PackedDocument] = []
    for reference in references:
        try:
            content = await store.get(reference, municipality=municipality)
        except DocumentNotFoundError:
            msg = f"handover: document {reference.document_id} is not in the document store"
            raise DocumentUnreadableError(msg) from None
        except DocumentIntegrityError:
            msg = f"handover: document {reference.document_id} differs from its reference"
            raise DocumentUnreadableError(msg) from None
        documents.append(PackedDocument.of(reference, content))
    return tuple(documents)


async def stored(
    documents: tuple[PackedDocument, ...], store: DocumentStore | None, *, municipality: str
) -> tuple[DocumentReference, ...]:
    """The receiver's references of the package's documents, each stored for ``municipality``.

    The bytes were checked against the sender's reference when the package was opened.

    Raises:
        PackageRefusedError: a document the store will not take (``malformed``).
        DocumentStoreUnavailableError: no store, or it did not answer: the sender retries.

    """
    if not documents:
        return ()
    if store is None:  # a settings matter here: the sender retries, then parks it
        msg = "handover reception: documents, and this hub has no document store"
        raise DocumentStoreUnavailableError(msg)
    references: list[DocumentReference] = []
    for document in documents:
        content = document.data()
        sent = document.reference
        if content is None:  # opening checked it; never stored unchecked
            raise PackageRefusedError(Refusal.TAMPERED, f"document {sent.document_id}")
        try:
            reference = await store.put(
                content,
                media_type=sent.media_type,
                file_name=sent.file_name,
                municipality=municipality,
            )
        except DocumentRejectedError:
            raise PackageRefusedError(Refusal.MALFORMED, f"document {sent.document_id}") from None
        references.append(reference)
    return tuple(references)
