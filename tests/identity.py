"""Test users at the stand-in identity provider, a login against it, and a tiny guarded page.

The page (``/page``) shows the viewer's subject, roles and municipalities and has a form that
acts (``POST /page/act``, with the CSRF field) and the sign-out form: enough to test the
login without the operations pages. Every user is synthetic: no CPR number, no name.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

from hub.web.forms import parse_form
from hub.web.idp import IdpClient, IdpDirectory, IdpUser
from hub.web.login import (
    LoginSettings,
    OidcLogin,
    SessionEvent,
    SubjectPseudonyms,
    login_from_settings,
)
from hub.web.viewer import Login, csrf_of, viewer_of

CLIENT_ID = "casehub-test"
CLIENT_SECRET = "client-secret-for-tests-only"  # noqa: S105 - a stand-in's test client
SESSION_KEY = b"k" * 48

OPERATOR_101 = IdpUser(
    username="op101",
    password=SecretStr("op101-password"),
    subject="u-op101",
    roles=("operator", "superuser"),  # the unknown role is ignored by the hub
    municipalities=("101",),
)
OPERATOR_147 = IdpUser(
    username="op147",
    password=SecretStr("op147-password"),
    subject="u-op147",
    roles=("operator",),
    municipalities=("147",),
)
NOBODY = IdpUser(
    username="nobody",
    password=SecretStr("nobody-password"),
    subject="u-nobody",
    roles=("viewer",),
)


def directory(redirect_base_url: str) -> IdpDirectory:
    """The stand-in's users and the hub as its one client."""
    return IdpDirectory(
        users=(OPERATOR_101, OPERATOR_147, NOBODY),
        clients=(
            IdpClient(
                client_id=CLIENT_ID,
                client_secret=SecretStr(CLIENT_SECRET),
                redirect_uris=(f"{redirect_base_url}/login/callback",),
            ),
        ),
    )


class AuditLog:
    """The login's audit port as a list of what it was told."""

    def __init__(self) -> None:
        self.events: list[SessionEvent] = []

    async def __call__(self, event: SessionEvent) -> None:
        self.events.append(event)


def login(
    issuer: str,
    redirect_base_url: str,
    folder: Path,
    *,
    audit: AuditLog,
    http: httpx.AsyncClient | None = None,
) -> OidcLogin:
    """A login as the hub builds it, from settings and secret files in ``folder``."""
    secret_file = folder / "client-secret"
    secret_file.write_text(CLIENT_SECRET + "\n")
    key_file = folder / "session-key"
    key_file.write_bytes(SESSION_KEY)
    settings = LoginSettings(
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret_file=secret_file,
        session_key_file=key_file,
        redirect_base_url=redirect_base_url,
    )
    return login_from_settings(settings, http=http, audit=audit, home="/page")


def pseudonym(issuer: str, subject: str) -> str:
    """The session subject the login gives ``subject`` of ``issuer`` (under ``SESSION_KEY``)."""
    return SubjectPseudonyms(SESSION_KEY)(issuer, subject)


async def _page(request: Request) -> Response:
    viewer = viewer_of(request)
    assert viewer is not None, "the guard let a request through without a viewer"
    municipalities = ", ".join(sorted(viewer.municipalities)) or "none"
    roles = ", ".join(sorted(viewer.roles)) or "none"
    csrf = escape(csrf_of(request))
    return HTMLResponse(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test page</title></head>
<body><main>
<h1>Signed in</h1>
<p>Subject <span id="subject">{escape(viewer.subject)}</span></p>
<p>Roles <span id="roles">{escape(roles)}</span></p>
<p>Municipalities <span id="municipalities">{escape(municipalities)}</span></p>
<form method="post" action="/page/act">
<input type="hidden" name="csrf" value="{csrf}">
<p><label for="reason">Reason</label> <input id="reason" name="reason" required></p>
<p><button type="submit">Act</button></p>
</form>
<form method="post" action="/logout">
<input type="hidden" name="csrf" value="{csrf}">
<p><button type="submit">Sign out</button></p>
</form>
</main></body></html>
""")


async def _act(request: Request) -> Response:
    reason = parse_form(await request.body()).get("reason", "")
    return HTMLResponse(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Done</title></head>
<body><main><h1>Done</h1><p>Reason <span id="reason">{escape(reason)}</span></p>
<p><a href="/page">Back</a></p></main></body></html>
""")


def site(login_: Login) -> Starlette:
    """The login's routes and the test page behind its guard (any ``Login``: mypy checks it)."""
    pages = Starlette(routes=[Route("/page", _page), Route("/page/act", _act, methods=["POST"])])
    return Starlette(routes=[*login_.routes, Mount("/", app=login_.guard(pages))])
