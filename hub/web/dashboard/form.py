"""An action's form, read from a small urlencoded body (no multipart: no form uploads here)."""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request

from hub.web.forms import FORM_LIMIT_BYTES, parse_form, read_limited
from hub.web.login.csrf import csrf_matches
from hub.web.viewer import csrf_of

__all__ = ["acting_form"]


async def acting_form(request: Request) -> dict[str, str]:
    """The form of a POST that acts, once it carries the session's CSRF token.

    The login refuses a POST with another token before the page runs; the page checks
    again, with the login's own check and form limit, so a page behind a login that forgot
    to still acts on no forged request.
    """
    body = await read_limited(request, FORM_LIMIT_BYTES)
    if body is None:
        raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    if not csrf_matches(csrf_of(request), request.headers, body):
        raise HTTPException(HTTPStatus.FORBIDDEN)
    return parse_form(body)
