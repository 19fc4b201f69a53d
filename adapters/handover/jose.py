"""The JOSE pieces the package uses, from RFC 7515/7516/7518, with ``cryptography``.

Only what the package needs: base64url, the flattened JSON serialisations, PS256
(RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt), RSA-OAEP-256 and A256GCM. Any JOSE
library can read what this writes; that is why the package is JWS/JWE and not home-made.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

__all__ = ["OAEP_256", "PS256", "b64url", "from_b64url", "header_of", "json_bytes"]

PS256: Final = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
"""RFC 7518 §3.5: the salt is as long as the hash."""

OAEP_256: Final = padding.OAEP(
    mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
)


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: object) -> bytes:
    """The bytes of a base64url text.

    Raises:
        ValueError: ``text`` is not a base64url string.

    """
    if not isinstance(text, str) or "=" in text:
        msg = "not base64url"
        raise ValueError(msg)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        msg = "not base64url"
        raise ValueError(msg) from None


def json_bytes(value: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, keys sorted, so one header has one encoding."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def header_of(encoded: object) -> dict[str, Any]:
    """The JSON object in a base64url protected header.

    Raises:
        ValueError: it is not base64url JSON.
        TypeError: the JSON is not an object.

    """
    value = json.loads(from_b64url(encoded))
    if not isinstance(value, dict):
        msg = "a protected header is a JSON object"
        raise TypeError(msg)
    return value
