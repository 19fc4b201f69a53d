"""An action's form, read from a small urlencoded body (no multipart: no form uploads here)."""

from __future__ import annotations

import hmac
from http import HTTPStatus
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request

from hub.web.viewer import csrf_of

__all__ = ["MAX_FORM_BYTES", "acting_form"]

MAX_FORM_BYTES = 16_384
"""A replay's form is a reason of at most 2,000 characters and a token: far below this."""


async def acting_form(request: Request) -> dict[str, str]:
    """The form of a POST that acts, once its ``csrf`` field is the session's token.

    The login refuses a POST with another token before the page runs; the page checks
    again, so a page behind a login that forgot to still acts on no forged request.
    """
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    fields = {
        name: values[0]
        for name, values in parse_qs(body.decode(errors="replace"), keep_blank_values=True).items()
    }
    token = csrf_of(request)
    if not token or not hmac.compare_digest(fields.get("csrf", ""), token):
        raise HTTPException(HTTPStatus.FORBIDDEN)
    return fields
