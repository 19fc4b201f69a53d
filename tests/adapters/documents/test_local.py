"""What only the local store promises: private files, and no half-written document."""

from __future__ import annotations

import stat

import pytest

from adapters.documents import DocumentStoreUnavailableError, LocalDocumentStore
from contracts.documents import MediaType

PDF = b"%PDF-1.7\n%%EOF\n"


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


async def test_documents_and_their_folder_are_readable_by_the_owner_only(tmp_path):
    store = LocalDocumentStore(tmp_path / "documents", municipalities=["101"])
    reference = await store.put(
        PDF, media_type=MediaType.PDF, file_name="x.pdf", municipality="101"
    )

    stored = tmp_path / "documents" / "101" / reference.document_id
    assert mode(stored) == 0o600
    assert mode(stored.parent) == 0o700
    assert [p.name for p in stored.parent.iterdir()] == [reference.document_id]  # no temp file


async def test_a_write_that_fails_leaves_neither_the_document_nor_a_temporary_file(
    tmp_path, monkeypatch
):
    store = LocalDocumentStore(tmp_path / "documents", municipalities=["101"])

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("adapters.documents.local.os.fsync", disk_full)
    with pytest.raises(DocumentStoreUnavailableError, match="OSError"):
        await store.put(PDF, media_type=MediaType.PDF, file_name="x.pdf", municipality="101")

    assert list((tmp_path / "documents" / "101").iterdir()) == []
