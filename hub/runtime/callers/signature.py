"""What a caller signs: the canonical request, its HMAC, and the ``httpx.Auth`` that signs it."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Generator
from typing import Final

import httpx

__all__ = [
    "CALLER_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "SignedRequests",
    "canonical",
    "sign",
]

CALLER_HEADER: Final = "x-casehub-caller"
TIMESTAMP_HEADER: Final = "x-casehub-timestamp"
SIGNATURE_HEADER: Final = "x-casehub-signature"


def canonical(method: str, path: bytes, query: bytes, timestamp: str, body: bytes) -> bytes:
    """What is signed: one line per part, the body by its SHA-256."""
    digest = hashlib.sha256(body).hexdigest()
    return b"\n".join(
        [b"v1", method.upper().encode(), path, query, timestamp.encode(), digest.encode()]
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
        message = canonical(request.method, path, query, timestamp, request.content)
        request.headers[CALLER_HEADER] = self._caller
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[SIGNATURE_HEADER] = f"v1={sign(self._secret, message)}"
        yield request
