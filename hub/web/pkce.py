"""PKCE (RFC 7636) with S256, the only method either side accepts: verifier and challenge."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["new_verifier", "s256_challenge", "verifier_matches"]


def new_verifier() -> str:
    """A fresh code verifier: 43 characters of the unreserved alphabet (256 random bits)."""
    return secrets.token_urlsafe(32)


def s256_challenge(verifier: str) -> str:
    """``BASE64URL(SHA256(verifier))`` without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(verifier: str, challenge: str) -> bool:
    """Whether ``verifier`` is the one ``challenge`` was made from (constant time)."""
    if not 43 <= len(verifier) <= 128 or not verifier.isascii():  # noqa: PLR2004 - RFC 7636
        return False
    return hmac.compare_digest(s256_challenge(verifier), challenge)
