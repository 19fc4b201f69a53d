"""What a caller signs: the canonical request, its HMAC, and the ``httpx.Auth`` that signs it."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Generator, Mapping
from typing import Final

import httpx

__all__ = [
    "CALLER_HEADER",
    "SIGNATURE_HEADER",
    "SIGNED_HEADERS",
    "TIMESTAMP_HEADER",
    "SignedRequests",
    "canonical",
    "sign",
]

CALLER_HEADER: Final = "x-casehub-caller"
TIMESTAMP_HEADER: Final = "x-casehub-timestamp"
SIGNATURE_HEADER: Final = "x-casehub-signature"
SIGNED_HEADERS: Final = ("content-type", "x-casehub-municipality", "x-casehub-file-name")
"""Headers a surface acts on (the upload's municipality, file name and type): signed too, each
as its value or an empty line when absent, so none can be changed or added on the way."""


def canonical(  # noqa: PLR0913, PLR0917 - each is one part of the request, in its order
    method: str,
    path: bytes,
    query: bytes,
    timestamp: str,
    body: bytes,
    headers: Mapping[str, str],
) -> bytes:
    """What is signed: one line per part, the body by its SHA-256, then ``SIGNED_HEADERS``.

    ``headers`` are looked up by lower-case name.
    """
    digest = hashlib.sha256(body).hexdigest()
    signed = [headers.get(name, "").encode("latin-1") for name in SIGNED_HEADERS]
    return b"\n".join(
        [b"v1", method.upper().encode(), path, query, timestamp.encode(), digest.encode(), *signed]
    )


def sign(secret: bytes, message: bytes) -> str:
    """The hex HMAC-SHA256 of ``message`` under ``secret``."""
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class SignedRequests(httpx.Auth):
    """Signs each request as ``caller`` with ``secret`` (an ``httpx.Auth`` for clients)."""

    requires_request_body = True

    def __init__(
        self, caller: str, secret: bytes, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._caller = caller
        self._secret = secret
        self._clock = clock

    def __repr__(self) -> str:
        return f"SignedRequests(caller={self._caller!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Add the caller, the timestamp and the signature."""
        path, _, query = request.url.raw_path.partition(b"?")
        timestamp = str(int(self._clock()))
        headers = {name: request.headers.get(name, "") for name in SIGNED_HEADERS}
        message = canonical(request.method, path, query, timestamp, request.content, headers)
        request.headers[CALLER_HEADER] = self._caller
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[SIGNATURE_HEADER] = f"v1={sign(self._secret, message)}"
        yield request
