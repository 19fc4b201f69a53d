"""An action's form, read from a small urlencoded body (no multipart: no form uploads here)."""

from __future__ import annotations

import hmac
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request

from hub.web.forms import parse_form, read_limited
from hub.web.viewer import csrf_of

__all__ = ["MAX_FORM_BYTES", "acting_form"]

MAX_FORM_BYTES = 16_384
"""A replay's form is a reason of at most 2,000 characters and a token: far below this."""


async def acting_form(request: Request) -> dict[str, str]:
    """The form of a POST that acts, once its ``csrf`` field is the session's token.

    The login refuses a POST with another token before the page runs; the page checks
    again, so a page behind a login that forgot to still acts on no forged request.
    """
    body = await read_limited(request, MAX_FORM_BYTES)
    if body is None:
        raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    fields = parse_form(body)
    token = csrf_of(request)
    if not token or not hmac.compare_digest(fields.get("csrf", ""), token):
        raise HTTPException(HTTPStatus.FORBIDDEN)
    return fields
