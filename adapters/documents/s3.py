"""A document store on the S3 API (any S3-compatible service), through aiobotocore.

The only module that imports aiobotocore or botocore. Each document is one object,
``<kommunekode>/<document-id>`` in one bucket, written with ``If-None-Match: *`` (never
over another) and ``x-amz-checksum-sha256``, so the service itself refuses bytes damaged on
the way in. Reading checks the size before the bytes are read and the SHA-256 after.

===============================================  ====================================
what happened                                    error
===============================================  ====================================
``NoSuchKey`` / 404                              ``DocumentNotFoundError``
size or SHA-256 differ from the reference        ``DocumentIntegrityError``
``AccessDenied``, ``InvalidAccessKeyId``,        ``DocumentStoreRefusedError``
``SignatureDoesNotMatch`` / 403                  (``AuthorisationError``: breaker opens)
refused, timeout, 5xx, ``SlowDown``, any other   ``DocumentStoreUnavailableError``
``ClientError`` (``NoSuchBucket`` included)
===============================================  ====================================

Messages carry the S3 operation and error code only: a service's message may quote the
request, and the exception is raised ``from None`` so a traceback does not show it.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Final, Self

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError
from types_aiobotocore_s3 import S3Client

from adapters.documents.port import (
    DocumentIntegrityError,
    DocumentNotFoundError,
    DocumentStoreRefusedError,
    DocumentStoreUnavailableError,
    document_key,
    municipality_set,
    new_reference,
    served,
    verified,
)
from adapters.documents.settings import S3Settings
from contracts.documents import DocumentReference, MediaType

__all__ = ["S3DocumentStore"]

_NOT_FOUND: Final = frozenset({"NoSuchKey", "NotFound", "404"})
_REFUSED: Final = frozenset(
    {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "ExpiredToken"}
)


class S3DocumentStore:
    """Documents as objects in one S3 bucket, one key prefix per municipality."""

    def __init__(self, client: S3Client, *, bucket: str, municipalities: Iterable[str]) -> None:
        self._client = client
        self._bucket = bucket
        self._municipalities = municipality_set(municipalities)

    def __repr__(self) -> str:
        return f"S3DocumentStore(bucket={self._bucket!r})"

    @classmethod
    @asynccontextmanager
    async def connect(
        cls, settings: S3Settings, *, municipalities: Iterable[str]
    ) -> AsyncIterator[Self]:
        """A store on the service ``settings`` name, its HTTP connections closed on exit."""
        access_key_id, secret_access_key = settings.credentials()
        config = AioConfig(
            connect_timeout=settings.timeout_s,
            read_timeout=settings.timeout_s,
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            s3={"addressing_style": settings.addressing_style},
            # Checksums only where the API needs them: we send our own SHA-256, and not
            # every S3-compatible service understands the newer default trailers.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        session = get_session()
        async with session.create_client(
            "s3",
            endpoint_url=settings.endpoint,
            region_name=settings.region,
            aws_access_key_id=access_key_id.get_secret_value() if access_key_id else None,
            aws_secret_access_key=(
                secret_access_key.get_secret_value() if secret_access_key else None
            ),
            config=config,
        ) as client:
            yield cls(client, bucket=settings.bucket, municipalities=municipalities)

    async def ensure_bucket(self) -> None:
        """Create the bucket when it is missing (the demo and tests; production has one).

        Raises:
            DocumentStoreUnavailableError: the service did not answer or refused.

        """
        with _translate_errors("HeadBucket", None):
            try:
                await self._client.head_bucket(Bucket=self._bucket)
            except ClientError as exc:
                if _code(exc) not in _NOT_FOUND | {"NoSuchBucket"}:
                    raise
                await self._client.create_bucket(Bucket=self._bucket)

    async def put(
        self, content: bytes, *, media_type: MediaType, file_name: str, municipality: str
    ) -> DocumentReference:
        """Store ``content``; see ``DocumentStore.put``."""
        served(municipality, self._municipalities)
        reference = new_reference(content, media_type=media_type, file_name=file_name)
        checksum = base64.b64encode(bytes.fromhex(reference.sha256)).decode("ascii")
        with _translate_errors("PutObject", reference):
            await self._client.put_object(
                Bucket=self._bucket,
                Key=document_key(municipality, reference),
                Body=content,
                ContentType=reference.media_type.value,
                ChecksumSHA256=checksum,
                IfNoneMatch="*",
            )
        return reference

    async def get(self, reference: DocumentReference, *, municipality: str) -> bytes:
        """The verified bytes; see ``DocumentStore.get``."""
        served(municipality, self._municipalities)
        with _translate_errors("GetObject", reference):
            answer = await self._client.get_object(
                Bucket=self._bucket, Key=document_key(municipality, reference)
            )
            async with answer["Body"] as body:
                if answer["ContentLength"] != reference.size:  # left unread: could be huge
                    msg = f"document {reference.document_id}: size differs from its reference"
                    raise DocumentIntegrityError(msg)
                content = await body.read()
        return verified(content, reference)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "unknown"))


@contextmanager
def _translate_errors(operation: str, reference: DocumentReference | None) -> Iterator[None]:
    what = f"document {reference.document_id}: " if reference else ""
    try:
        yield
    except ClientError as exc:
        code = _code(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _NOT_FOUND:
            msg = f"{what}not in the store (S3 {operation} {code})"
            raise DocumentNotFoundError(msg) from None
        if code in _REFUSED or status == 403:  # noqa: PLR2004 - HTTP Forbidden
            msg = f"{what}the store refused our credentials (S3 {operation} {code})"
            raise DocumentStoreRefusedError(msg) from None
        msg = f"{what}the store failed (S3 {operation} {code})"
        raise DocumentStoreUnavailableError(msg) from None
    except (BotoCoreError, OSError, TimeoutError) as exc:
        msg = f"{what}the store did not answer (S3 {operation} {type(exc).__name__})"
        raise DocumentStoreUnavailableError(msg) from None
