"""URL-encoded HTML forms, read without python-multipart: the hub's forms are small and flat.

Only ``application/x-www-form-urlencoded`` is read (what an HTML form without files sends);
anything else, or a body over the limit, is no form (an empty mapping / ``None``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

__all__ = ["FORM_LIMIT_BYTES", "is_form", "parse_form", "read_limited"]

FORM_LIMIT_BYTES = 64 * 1024
"""The largest form body read: a sign-in, a replay reason, a filter."""


def is_form(content_type: str) -> bool:
    """Whether ``content_type`` is an URL-encoded form."""
    return content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"


def parse_form(body: bytes) -> dict[str, str]:
    """The fields of an URL-encoded body (the first value of a repeated field); bad: none."""
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return {}
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


async def read_limited(request: Request, limit: int = FORM_LIMIT_BYTES) -> bytes | None:
    """The request's body, or ``None`` as soon as it passes ``limit`` bytes (never all read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
