"""The document store runs as a hub component: the hub serves the upload and keeps the bytes."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from adapters.documents import LocalDocumentStore, OpenedStore
from adapters.documents.port import DocumentStoreUnavailableError
from contracts.documents import DocumentReference
from hub.compose.app import create_app
from hub.runtime.serve import serving
from tests.callers import signing

pytestmark = pytest.mark.kafka

PDF = b"%PDF-1.7\n" + b"y" * 3000 + b"\n%%EOF\n"


async def test_the_hub_takes_a_document_and_keeps_it_for_readers(hub_settings):
    municipality = hub_settings.municipalities[0]
    async with (
        serving(create_app(hub_settings)) as url,
        httpx.AsyncClient(base_url=url, timeout=30, auth=signing()) as http,
    ):
        answer = await http.post(
            "/documents",
            content=PDF,
            headers={
                "content-type": "application/pdf",
                "x-casehub-municipality": municipality,
                "x-casehub-file-name": "afgoerelse.pdf",
            },
        )
        assert answer.status_code == 201, answer.text
        reference = DocumentReference.model_validate_json(answer.content)
        assert reference.sha256 == hashlib.sha256(PDF).hexdigest()
        # The notification intake still answers beside it.
        assert (await http.get("/health")).status_code == 200
    # The default store is a directory under the hub's state directory.
    store = LocalDocumentStore(hub_settings.state_dir / "documents", municipalities=[municipality])
    assert await store.get(reference, municipality=municipality) == PDF


async def test_before_the_store_is_open_the_port_says_unavailable():
    with pytest.raises(DocumentStoreUnavailableError):
        await OpenedStore().get(_reference(), municipality="101")


def _reference() -> DocumentReference:
    return DocumentReference.model_validate_json(
        json.dumps(
            {
                "document_id": "0b0c3a55-6f2e-4d52-9a7e-6c1d9f3e2b10",
                "sha256": "0" * 64,
                "media_type": "application/pdf",
                "size": 1,
                "file_name": "x.pdf",
            }
        )
    )
