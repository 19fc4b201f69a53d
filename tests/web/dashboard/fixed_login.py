"""A login for the page tests: one fixed viewer, signed in, and a session's CSRF token.

Its guard does what the real login's does for the pages (``hub.web.viewer``): the viewer and
the token in scope, and a POST whose form field ``csrf`` is not the token refused (403).
It reads the body to check, then hands the same bytes on to the page.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse

from hub.web.viewer import CSRF_SCOPE_KEY, VIEWER_SCOPE_KEY, Role, Viewer

__all__ = ["CSRF", "FixedLogin", "viewer"]

CSRF = "test-csrf-token"


def viewer(role: Role, *municipalities: str, subject: str = "tester-1") -> Viewer:
    return Viewer(
        subject=subject, roles=frozenset({role}), municipalities=frozenset(municipalities)
    )


class FixedLogin:
    def __init__(self, signed_in: Viewer, csrf: str = CSRF) -> None:
        self.viewer = signed_in
        self.csrf = csrf

    @property
    def routes(self):
        return ()

    def guard(self, app):
        async def guarded(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            scope = {**scope, VIEWER_SCOPE_KEY: self.viewer, CSRF_SCOPE_KEY: self.csrf}
            if scope["method"] == "GET":
                await app(scope, receive, send)
                return
            body = b""
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            sent = parse_qs(body.decode()).get("csrf", [""])[0]
            if sent != self.csrf:
                await PlainTextResponse("csrf", status_code=403)(scope, receive, send)
                return
            replayed = False

            async def again():
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await app(scope, again, send)

        return guarded
