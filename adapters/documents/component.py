"""The document store as one hub component: ``POST /documents``, the store opened while it runs.

It consumes no events: case systems upload a document and put its ``DocumentReference`` in
their events; readers (the archive builder, the handover) fetch through the same port. The
store is opened in the component's background task (an S3 client connects asynchronously)
and closed when the hub stops; until it is open, the upload answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio

from adapters.documents.factory import open_document_store
from adapters.documents.port import DocumentStore, DocumentStoreUnavailableError
from adapters.documents.settings import DocumentStoreSettings
from adapters.documents.upload import build_document_upload
from contracts.documents import DocumentReference, MediaType
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "OpenedStore"]

NAME = "documents"


class OpenedStore:
    """The port, answered by the store once the component has opened it."""

    def __init__(self) -> None:
        self.store: DocumentStore | None = None

    def _open(self) -> DocumentStore:
        if self.store is None:
            msg = "document store: not open yet"
            raise DocumentStoreUnavailableError(msg)
        return self.store

    async def put(
        self, content: bytes, *, media_type: MediaType, file_name: str, municipality: str
    ) -> DocumentReference:
        """Store through the opened store (see ``DocumentStore.put``)."""
        return await self._open().put(
            content, media_type=media_type, file_name=file_name, municipality=municipality
        )

    async def get(self, reference: DocumentReference, *, municipality: str) -> bytes:
        """Read through the opened store (see ``DocumentStore.get``)."""
        return await self._open().get(reference, municipality=municipality)


def _build(settings: DocumentStoreSettings, context: BuildContext) -> Component:
    opened = OpenedStore()
    upload = build_document_upload(
        opened,
        max_bytes=settings.max_upload_bytes,
        served_municipalities=context.municipalities,
    )

    async def keep_open() -> None:
        async with open_document_store(
            settings, state_dir=context.state_dir, municipalities=context.municipalities
        ) as store:
            opened.store = store
            try:
                await asyncio.Event().wait()  # until the hub stops and cancels it
            finally:
                opened.store = None

    return Component(NAME, routes=tuple(upload.routes), background=keep_open)


COMPONENT: ComponentSpec[DocumentStoreSettings] = ComponentSpec(
    name=NAME,
    consumes=(),
    build=_build,
    settings=SettingsField(
        DocumentStoreSettings | None,
        DocumentStoreSettings(),
        "The document store and its upload (POST /documents), as JSON; null: not served.",
    ),
)
