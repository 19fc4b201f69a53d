"""A filed document for the handover tests: its bytes in a store, its ``DocumentFiledV2``."""

from __future__ import annotations

import datetime as dt
import hashlib

from adapters.documents import DocumentStore
from contracts.documents import DocumentFiledV2, DocumentKind, DocumentReference, MediaType

__all__ = ["STATEMENT", "file_document", "filed"]

STATEMENT = b"%PDF-1.7 synthetic statement from the school, for the handover\n"
STATEMENT_SHA256 = hashlib.sha256(STATEMENT).hexdigest()


def filed(reference: DocumentReference | None, document_id: str = "doc-1") -> DocumentFiledV2:
    """The case system's filing of a document, naming its bytes by ``reference``."""
    return DocumentFiledV2(
        document_id=document_id,
        esdh_case_number="27.24.00-G01-1-26",
        kle="27.24.00",
        kind=DocumentKind.STATEMENT,
        title="Statement from the school",
        filed_at=dt.datetime(2026, 5, 2, 9, tzinfo=dt.UTC),
        sha256=STATEMENT_SHA256,
        content=reference,
    )


async def file_document(store: DocumentStore, municipality: str) -> DocumentReference:
    """The statement stored for ``municipality``; its reference (the claim check)."""
    return await store.put(
        STATEMENT,
        media_type=MediaType("application/pdf"),
        file_name="udtalelse-skole.pdf",
        municipality=municipality,
    )
