"""The CSRF check on every unsafe request: field ``csrf`` or header ``X-CSRF-Token``.

The token is the session's own (random, per sign-in); compared in constant time. SameSite=Lax
already keeps the session cookie off a cross-site POST; the token is the second lock, for an
old browser and for a same-site attacker.
"""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers

from hub.web.forms import is_form, parse_form

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "SAFE_METHODS", "csrf_matches"]

CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_matches(expected: str, headers: Headers, body: bytes | None) -> bool:
    """Whether the request carries ``expected``: in its header, or its form's ``csrf`` field."""
    submitted = headers.get(CSRF_HEADER)
    if submitted is None and body is not None and is_form(headers.get("content-type", "")):
        submitted = parse_form(body).get(CSRF_FIELD)
    return (
        bool(expected)
        and submitted is not None
        and hmac.compare_digest(submitted.encode(), expected.encode())
    )
