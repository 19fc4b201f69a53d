"""The guard around the pages: a session, else sign in; a CSRF token on every unsafe method.

Every answer it lets out is ``Cache-Control: no-store``: a page may show a quarantined record's
payload or a case's journal, which no browser cache or proxy may keep after the session ends.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.web.forms import FORM_LIMIT_BYTES, is_form
from hub.web.login.cookies import Cookies, Session
from hub.web.login.csrf import SAFE_METHODS, csrf_matches
from hub.web.viewer import CSRF_SCOPE_KEY, VIEWER_SCOPE_KEY, Role, Viewer

__all__ = ["Guard", "local_path", "viewer_of_session"]


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this hub (no open redirect), else ``default``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target if target.isprintable() else default


def viewer_of_session(session: Session) -> Viewer:
    """The viewer a session names (its roles were filtered at sign-in; again here)."""
    known = {role.value for role in Role}
    return Viewer(
        subject=session.subject,
        roles=frozenset(Role(role) for role in session.roles if role in known),
        municipalities=frozenset(session.municipalities),
    )


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or ``None`` once it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body the guard already read, then the original."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _not_stored(send: Send) -> Send:
    """A ``send`` that marks every response ``no-store`` (a page's, and the guard's own)."""

    async def send_not_stored(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["Cache-Control"] = "no-store"
        await send(message)

    return send_not_stored


class Guard:
    """ASGI middleware: puts the viewer and the CSRF token into the scope, or refuses."""

    def __init__(self, app: ASGIApp, cookies: Cookies, *, sign_in_path: str) -> None:
        self._app = app
        self._cookies = cookies
        self._sign_in_path = sign_in_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a signed-in request on with its viewer; send any other to sign in or refuse."""
        if scope["type"] == "lifespan":
            await self._app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})  # no page speaks websocket
            return
        send = _not_stored(send)
        connection = HTTPConnection(scope)
        session = self._cookies.session(connection)
        if session is None:
            await self._sign_in_first(scope)(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            body = None
            if is_form(headers.get("content-type", "")):
                body = await _read_body(receive, FORM_LIMIT_BYTES)
                if body is None:
                    await PlainTextResponse("form too large", 413)(scope, receive, send)
                    return
                receive = _replaying(body, receive)
            if not csrf_matches(session.csrf, headers, body):
                await PlainTextResponse("CSRF token missing or wrong", 403)(scope, receive, send)
                return
        scope = {
            **scope,
            VIEWER_SCOPE_KEY: viewer_of_session(session),
            CSRF_SCOPE_KEY: session.csrf,
        }
        await self._app(scope, receive, send)

    def _sign_in_first(self, scope: Scope) -> Response:
        if scope["method"] not in SAFE_METHODS:
            return PlainTextResponse("sign in first", 401)
        target = scope.get("path", "/")
        if query := scope.get("query_string", b"").decode("latin-1"):
            target = f"{target}?{query}"
        location = f"{self._sign_in_path}?{urlencode({'next': local_path(target, '/')})}"
        return RedirectResponse(location, 303)
