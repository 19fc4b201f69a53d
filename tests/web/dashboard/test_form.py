"""An action's form: the page checks the token as the login does, with the login's form limit."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub.web.dashboard.form import acting_form
from hub.web.forms import FORM_LIMIT_BYTES
from hub.web.viewer import CSRF_SCOPE_KEY

CSRF = "the-sessions-token"


async def _act(request: Request) -> Response:
    form = await acting_form(request)
    return PlainTextResponse(f"{len(form.get('reason', ''))} characters")


def _with_token(app, token):
    """The session's token in scope, as a login puts it; no check of its own (the page's only)."""

    async def app_with_token(scope, receive, send):
        await app({**scope, CSRF_SCOPE_KEY: token}, receive, send)

    return app_with_token


async def post(token: str, **kwargs) -> httpx.Response:
    app = _with_token(Starlette(routes=[Route("/act", _act, methods=["POST"])]), token)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        return await http.post("/act", **kwargs)


async def test_the_token_is_taken_from_the_field_or_the_header_as_the_login_takes_it():
    by_field = await post(CSRF, data={"reason": "fixed", "csrf": CSRF})
    by_header = await post(CSRF, data={"reason": "fixed"}, headers={"X-CSRF-Token": CSRF})
    assert (by_field.status_code, by_field.text) == (200, "5 characters")
    assert (by_header.status_code, by_header.text) == (200, "5 characters")


@pytest.mark.parametrize(
    ("token", "sent"),
    [(CSRF, {}), (CSRF, {"csrf": "x" + CSRF}), ("", {"csrf": ""})],
    ids=["missing", "wrong", "no-session-token"],
)
async def test_a_form_without_the_sessions_token_is_refused(token, sent):
    assert (await post(token, data={"reason": "r", **sent})).status_code == 403


async def test_the_page_reads_as_large_a_form_as_the_login_lets_through():
    room = FORM_LIMIT_BYTES - len(f"csrf={CSRF}&reason=")
    largest = await post(CSRF, data={"csrf": CSRF, "reason": "x" * room})
    too_large = await post(CSRF, data={"csrf": CSRF, "reason": "x" * (room + 1)})
    assert (largest.status_code, largest.text) == (200, f"{room} characters")
    assert too_large.status_code == 413
