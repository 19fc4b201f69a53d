"""The relying party: OpenID Connect's code flow with PKCE, state and nonce; the ``Login``.

``/login`` starts a sign-in (``?next=`` a path on this hub), ``/login/callback`` is where the
provider sends the browser back, ``/logout`` signs out (POST with the CSRF token; GET shows
where you stand). A refused sign-in answers 403 and says nothing of why; the log says which
check failed, never whose token it was.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

import httpx
import structlog
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from hub.web.forms import read_limited
from hub.web.login.audit import SessionAction, SessionAudit, SessionEvent, log_sessions
from hub.web.login.cookies import Cookies, Pending, Session
from hub.web.login.csrf import csrf_matches
from hub.web.login.guard import Guard, local_path
from hub.web.login.pages import page
from hub.web.login.provider import Provider, ProviderError
from hub.web.login.settings import LoginSettings
from hub.web.login.subjects import SubjectPseudonyms
from hub.web.login.tokens import IdTokenRefusedError, validate_id_token, viewer_from_claims
from hub.web.pkce import new_verifier, s256_challenge

__all__ = ["CALLBACK_PATH", "SIGN_IN_PATH", "SIGN_OUT_PATH", "OidcLogin", "login_from_settings"]

SIGN_IN_PATH = "/login"
CALLBACK_PATH = "/login/callback"
SIGN_OUT_PATH = "/logout"

_log = structlog.get_logger("casehub.login")


class OidcLogin:
    """The hub's ``Login`` against one OpenID Connect provider."""

    def __init__(  # noqa: PLR0913 - each is one part the login is made of
        self,
        provider: Provider,
        cookies: Cookies,
        *,
        pseudonyms: SubjectPseudonyms,
        redirect_base_url: str,
        audit: SessionAudit = log_sessions,
        home: str = "/",
    ) -> None:
        self._provider = provider
        self._cookies = cookies
        self._pseudonyms = pseudonyms
        self._redirect_uri = f"{redirect_base_url.rstrip('/')}{CALLBACK_PATH}"
        self._audit = audit
        self._home = home

    @property
    def routes(self) -> Sequence[BaseRoute]:
        """Sign in, the provider's callback, sign out."""
        return (
            Route(SIGN_IN_PATH, self._sign_in, methods=["GET"]),
            Route(CALLBACK_PATH, self._callback, methods=["GET"]),
            Route(SIGN_OUT_PATH, self._sign_out, methods=["GET", "POST"]),
        )

    def guard(self, app: ASGIApp) -> ASGIApp:
        """``app`` behind the login."""
        return Guard(app, self._cookies, sign_in_path=SIGN_IN_PATH)

    async def _sign_in(self, request: Request) -> Response:
        pending = Pending(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=new_verifier(),
            next_path=local_path(request.query_params.get("next"), self._home),
        )
        try:
            location = await self._provider.authorization_url(
                redirect_uri=self._redirect_uri,
                state=pending.state,
                nonce=pending.nonce,
                code_challenge=s256_challenge(pending.verifier),
            )
        except ProviderError as error:
            await _log.awarning("login.provider_unavailable", reason=str(error))
            return page(
                "Sign-in unavailable", "<p>The identity provider cannot be reached.</p>", 503
            )
        response = RedirectResponse(location, 303)
        self._cookies.set_pending(response, pending)
        return response

    async def _callback(self, request: Request) -> Response:
        pending = self._cookies.pending(request)
        state = request.query_params.get("state", "")
        code = request.query_params.get("code", "")
        if pending is None or not hmac.compare_digest(state.encode(), pending.state.encode()):
            return self._refused("state", "This sign-in has expired or is not yours.", 400)
        if not code:
            return self._refused("provider-error", "The identity provider refused the sign-in.")
        try:
            id_token = await self._provider.exchange(
                code=code, redirect_uri=self._redirect_uri, code_verifier=pending.verifier
            )
            keys = await self._provider.keys_for(id_token)
            claims = validate_id_token(
                id_token,
                keys,
                issuer=self._provider.issuer,
                audience=self._provider.client_id,
                nonce=pending.nonce,
            )
        except (ProviderError, IdTokenRefusedError) as error:
            await _log.awarning("login.refused", reason=str(error))
            return self._refused("token", "The sign-in could not be completed.")
        viewer = viewer_from_claims(
            claims, subject=self._pseudonyms(self._provider.issuer, claims["sub"])
        )
        session = Session(
            subject=viewer.subject,
            roles=tuple(sorted(viewer.roles)),
            municipalities=tuple(sorted(viewer.municipalities)),
            csrf=secrets.token_urlsafe(32),
        )
        await self._audit(_event(SessionAction.SIGN_IN, session))  # no session without it
        response = RedirectResponse(pending.next_path, 303)
        self._cookies.clear(response, self._cookies.pending_name)
        self._cookies.set_session(response, session)
        return response

    def _refused(self, check: str, text: str, status_code: int = 403) -> Response:
        again = f"{SIGN_IN_PATH}?{urlencode({'next': self._home})}"
        response = page(
            "Sign-in refused",
            f'<p>{escape(text)}</p><p><a href="{escape(again)}">Sign in again</a></p>',
            status_code,
        )
        response.headers["X-Casehub-Refused"] = check
        self._cookies.clear(response, self._cookies.pending_name)
        return response

    async def _sign_out(self, request: Request) -> Response:
        session = self._cookies.session(request)
        if request.method == "GET":
            return self._sign_out_page(session)
        if session is None:
            return RedirectResponse(SIGN_OUT_PATH, 303)
        body = await read_limited(request)
        if body is None or not csrf_matches(session.csrf, request.headers, body):
            return page("Not signed out", "<p>The form was not this session's.</p>", 403)
        await self._audit(_event(SessionAction.SIGN_OUT, session))
        response = RedirectResponse(SIGN_OUT_PATH, 303)
        self._cookies.clear(response, self._cookies.session_name)
        return response

    def _sign_out_page(self, session: Session | None) -> Response:
        if session is None:
            again = escape(f"{SIGN_IN_PATH}?{urlencode({'next': self._home})}")
            return page(
                "Signed out", f'<p>You are signed out.</p><p><a href="{again}">Sign in</a></p>'
            )
        form = (
            f'<form method="post" action="{SIGN_OUT_PATH}">'
            f'<input type="hidden" name="csrf" value="{escape(session.csrf)}">'
            '<button type="submit">Sign out</button></form>'
        )
        return page("Sign out", form)


def _event(action: SessionAction, session: Session) -> SessionEvent:
    return SessionEvent(
        action=action,
        subject=session.subject,
        roles=session.roles,
        municipalities=session.municipalities,
    )


def login_from_settings(
    settings: LoginSettings,
    *,
    http: httpx.AsyncClient | None = None,
    audit: SessionAudit = log_sessions,
    home: str = "/",
) -> OidcLogin:
    """The login ``settings`` describe; reads the secret files now (a bad one fails start-up).

    ``http`` reaches the provider (default: a client of its own, 10 s timeouts); ``home`` is
    where a sign-in without ``?next=`` lands.

    Raises:
        OSError: a secret file cannot be read.
        ValueError: the session key is too short.

    """
    provider = Provider(
        settings.issuer,
        client_id=settings.client_id,
        client_secret=settings.client_secret(),
        http=http or httpx.AsyncClient(timeout=10.0),
    )
    session_key = settings.session_key()
    cookies = Cookies(
        session_key, secure=settings.secure, session_max_age_s=settings.session_max_age_s
    )
    return OidcLogin(
        provider,
        cookies,
        pseudonyms=SubjectPseudonyms(session_key),
        redirect_base_url=settings.redirect_base_url,
        audit=audit,
        home=home,
    )
