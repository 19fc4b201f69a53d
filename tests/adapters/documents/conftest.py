"""Fixtures for the document port: the same behaviour suite over the local and the S3 store."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
from aiobotocore.session import get_session

from adapters.documents import DocumentStore, LocalDocumentStore, S3DocumentStore
from adapters.documents.settings import S3Settings
from tests.adapters.documents.helpers import HOME, OTHER, StoreCase
from tests.s3 import S3Server


class _Opened:
    """An async context manager around a store that needs no closing."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def __aenter__(self) -> DocumentStore:
        return self._store

    async def __aexit__(self, *_exc: object) -> None:
        return None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
async def case(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreCase]:
    if request.param == "local":
        root = tmp_path / "documents"

        async def overwrite(municipality: str, document_id: str, content: bytes) -> None:
            (root / municipality / document_id).write_bytes(content)

        async def local_keys() -> set[str]:
            return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

        def local_down() -> _Opened:
            blocked = tmp_path / "not-a-directory"
            blocked.write_bytes(b"")  # the store's directory is a file: every call fails
            return _Opened(LocalDocumentStore(blocked, municipalities=[HOME]))

        def open_local(*, municipalities: list[str]) -> _Opened:
            return _Opened(LocalDocumentStore(root, municipalities=municipalities))

        yield StoreCase(
            store=LocalDocumentStore(root, municipalities=[HOME, OTHER]),
            open_store=open_local,
            overwrite=overwrite,
            keys=local_keys,
            down=local_down,
        )
        return

    server: S3Server = request.getfixturevalue("s3")
    settings = server.settings(f"t-{uuid.uuid4().hex[:12]}")
    access, secret = settings.credentials()
    assert access is not None
    assert secret is not None
    session = get_session()
    async with (
        session.create_client(
            "s3",
            endpoint_url=server.endpoint,
            region_name=settings.region,
            aws_access_key_id=access.get_secret_value(),
            aws_secret_access_key=secret.get_secret_value(),
        ) as raw,
        S3DocumentStore.connect(settings, municipalities=[HOME, OTHER]) as store,
    ):
        await store.ensure_bucket()

        async def s3_overwrite(municipality: str, document_id: str, content: bytes) -> None:
            await raw.put_object(
                Bucket=settings.bucket, Key=f"{municipality}/{document_id}", Body=content
            )

        async def s3_keys() -> set[str]:
            listed = await raw.list_objects_v2(Bucket=settings.bucket)
            return {item["Key"] for item in listed.get("Contents", [])}

        def s3_down() -> AbstractAsyncContextManager[S3DocumentStore]:
            unreachable: S3Settings = settings.model_copy(
                update={
                    "endpoint": f"http://127.0.0.1:{_closed_port()}",
                    "max_attempts": 1,
                    "timeout_s": 2.0,
                }
            )
            return S3DocumentStore.connect(unreachable, municipalities=[HOME])

        def open_s3(*, municipalities: list[str]) -> AbstractAsyncContextManager[S3DocumentStore]:
            return S3DocumentStore.connect(settings, municipalities=municipalities)

        yield StoreCase(
            store=store, open_store=open_s3, overwrite=s3_overwrite, keys=s3_keys, down=s3_down
        )
