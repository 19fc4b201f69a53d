"""HTTP upload of a document to the document port (``POST /documents``).

The case system sends the bytes as the body, the media type as ``Content-Type``, and names
the municipality and the file name in headers (``X-Casehub-Municipality``,
``X-Casehub-File-Name``, percent-encoded UTF-8) or in the query (``municipality``,
``file_name``). It may send the SHA-256 it computed: ``X-Content-SHA256`` (hex),
``Content-Digest: sha-256=:<base64>:`` (RFC 9530) or ``Digest: SHA-256=<base64>``.

==========  ==========================================================================
status      when
==========  ==========================================================================
201         stored: the body is the ``DocumentReference`` the events will carry
400         no municipality or file name, or a digest header that cannot be read
401         (``SignedCallers``, before this) no valid signature of a known caller
403         the signed caller is not bound to the municipality, or the hub does not serve it
413         the body is larger than the limit (checked while it streams in)
415         a media type the hub does not carry, or a body that is not of that type
            (magic bytes of PDF, TIFF, JPEG, JPEG 2000 and PNG)
422         empty, an unsafe file name, or the body's SHA-256 is not the one sent
503         the store did not answer; nothing is referenced, try again (``Retry-After``)
==========  ==========================================================================

An error answer names fields and problems, never a value that was sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Final
from urllib.parse import unquote

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.documents.port import (
    DocumentRejectedError,
    DocumentStore,
    MunicipalityNotServedError,
    municipality_set,
)
from contracts.documents import MAX_DOCUMENT_BYTES, MediaType
from hub.runtime.callers import acts_for
from hub.runtime.errors import HubError, Problem

__all__ = ["build_document_upload"]

log = structlog.get_logger(__name__)

MUNICIPALITY_HEADER: Final = "x-casehub-municipality"
FILE_NAME_HEADER: Final = "x-casehub-file-name"

# What each type's files begin with. PDF/A conformance itself is not checked here.
_MAGIC: Final[dict[MediaType, tuple[bytes, ...]]] = {
    MediaType.PDF: (b"%PDF-",),
    MediaType.TIFF: (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"),
    MediaType.JPEG: (b"\xff\xd8\xff",),
    MediaType.JP2: (b"\x00\x00\x00\x0cjP  \r\n\x87\n",),
    MediaType.PNG: (b"\x89PNG\r\n\x1a\n",),
}
_HEX_SHA256: Final = re.compile(r"[0-9a-fA-F]{64}")
_CONTENT_DIGEST: Final = re.compile(r"(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):", re.IGNORECASE)
_DIGEST: Final = re.compile(r"(?:^|,)\s*sha-256=([A-Za-z0-9+/=]+)", re.IGNORECASE)


class _RequestError(Exception):
    def __init__(self, status: HTTPStatus, field: str, problem: str) -> None:
        self.status = status
        self.problems = [Problem(field, problem)]


def build_document_upload(
    store: DocumentStore,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    served_municipalities: Iterable[str],
) -> Starlette:
    """The upload as an ASGI app: mount it (``Mount("/", app)``) where case systems post."""
    limit = min(max_bytes, MAX_DOCUMENT_BYTES)
    municipalities = municipality_set(served_municipalities)

    async def upload(request: Request) -> Response:
        try:
            municipality = _municipality(request, municipalities)
            media_type = _media_type(request)
            file_name = _file_name(request)
            expected = _expected_sha256(request)
            content = await _read_limited(request, limit)
            _check_magic(content, media_type)
        except _RequestError as exc:
            log.info("document_refused", status=int(exc.status), field=exc.problems[0].location)
            return _problems(exc.status, exc.problems)
        if expected is not None and hashlib.sha256(content).hexdigest() != expected:
            return _problems(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                [Problem("(body)", "its SHA-256 is not the digest sent")],
            )
        try:
            reference = await store.put(
                content, media_type=media_type, file_name=file_name, municipality=municipality
            )
        except DocumentRejectedError as exc:
            return _problems(HTTPStatus.UNPROCESSABLE_ENTITY, list(exc.problems))
        except MunicipalityNotServedError:
            return _not_served()
        except HubError as exc:  # unavailable, or refused our credentials: not the sender's
            log.warning("document_not_stored", error=type(exc).__name__)
            return JSONResponse(
                {"error": "the hub could not store the document; nothing is referenced"},
                status_code=HTTPStatus.SERVICE_UNAVAILABLE,
                headers={"Retry-After": "5"},
            )
        log.info(
            "document_stored",
            document_id=reference.document_id,
            municipality=municipality,
            media_type=reference.media_type.value,
            size=reference.size,
        )
        return JSONResponse(reference.model_dump(mode="json"), status_code=HTTPStatus.CREATED)

    return Starlette(routes=[Route("/documents", upload, methods=["POST"])])


def _municipality(request: Request, municipalities: frozenset[str]) -> str:
    code = request.headers.get(MUNICIPALITY_HEADER) or request.query_params.get("municipality")
    if not code:
        raise _RequestError(HTTPStatus.BAD_REQUEST, "municipality", "missing")
    if not acts_for(request.scope, code):
        raise _RequestError(
            HTTPStatus.FORBIDDEN, "municipality", "the caller's credential is not for this one"
        )
    if code not in municipalities:
        raise _RequestError(
            HTTPStatus.FORBIDDEN, "municipality", "this hub does not serve the municipality"
        )
    return code


def _media_type(request: Request) -> MediaType:
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        return MediaType(given)
    except ValueError:
        accepted = ", ".join(media_type.value for media_type in MediaType)
        raise _RequestError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "content-type", f"send one of {accepted}"
        ) from None


def _file_name(request: Request) -> str:
    header = request.headers.get(FILE_NAME_HEADER)
    try:
        name = unquote(header, errors="strict") if header else request.query_params.get("file_name")
    except UnicodeDecodeError:
        raise _RequestError(
            HTTPStatus.BAD_REQUEST, "file_name", "not percent-encoded UTF-8"
        ) from None
    if not name:
        raise _RequestError(HTTPStatus.BAD_REQUEST, "file_name", "missing")
    return name


def _expected_sha256(request: Request) -> str | None:
    """The SHA-256 the sender computed, as lower-case hex, if it sent one."""
    if (given := request.headers.get("x-content-sha256")) is not None:
        if not _HEX_SHA256.fullmatch(given.strip()):
            raise _RequestError(HTTPStatus.BAD_REQUEST, "x-content-sha256", "not 64 hex digits")
        return given.strip().lower()
    for header, pattern in (("content-digest", _CONTENT_DIGEST), ("digest", _DIGEST)):
        if (given := request.headers.get(header)) is None:
            continue
        if (match := pattern.search(given)) is None:
            continue  # another algorithm only: nothing for us to check
        try:
            digest = base64.b64decode(match.group(1), validate=True)
        except (binascii.Error, ValueError):
            digest = b""
        if len(digest) != hashlib.sha256().digest_size:
            raise _RequestError(HTTPStatus.BAD_REQUEST, header, "not a base64 SHA-256")
        return digest.hex()
    return None


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "(body)", f"over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _RequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "(body)", f"over {limit} bytes"
            )
    return bytes(body)


def _check_magic(content: bytes, media_type: MediaType) -> None:
    magic = _MAGIC.get(media_type)
    if content and magic is not None and not content.startswith(magic):
        raise _RequestError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "(body)", f"not a {media_type.value} file"
        )


def _not_served() -> JSONResponse:
    return _problems(
        HTTPStatus.FORBIDDEN, [Problem("municipality", "this hub does not serve the municipality")]
    )


def _problems(status: HTTPStatus, problems: list[Problem]) -> JSONResponse:
    return JSONResponse(
        {
            "error": status.phrase,
            "problems": [{"field": p.location or "(body)", "problem": p.message} for p in problems],
        },
        status_code=status,
    )
