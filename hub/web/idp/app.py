"""The stand-in identity provider: OpenID Connect's code flow with PKCE, on loopback.

Discovery (``/.well-known/openid-configuration``), the JWKS, the authorization endpoint with
a sign-in form, and the token endpoint, which hands out an ID token signed RS256 with ``sub``
(pseudonymous), ``roles`` and ``municipalities``. Only ``response_type=code`` and PKCE S256;
codes are single-use and short-lived. Codes live in this process: a stand-in runs once.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hub.web.forms import is_form, parse_form, read_limited
from hub.web.idp.form import sign_in_page
from hub.web.idp.users import IdpClient, IdpDirectory, IdpUser
from hub.web.pkce import verifier_matches

__all__ = ["CODE_LIFETIME_S", "TOKEN_LIFETIME_S", "IdentityProvider"]

CODE_LIFETIME_S = 60
TOKEN_LIFETIME_S = 300
_AUTHORIZATION_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


async def _form(request: Request) -> dict[str, str]:
    if not is_form(request.headers.get("content-type", "")):
        return {}
    body = await read_limited(request)
    return {} if body is None else parse_form(body)


@dataclass(frozen=True)
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    user: IdpUser
    expires: float


@dataclass
class IdentityProvider:
    """The provider's state and its ASGI app; ``issuer`` is set once it listens."""

    directory: IdpDirectory
    issuer: str = ""
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(
            2048,
            parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"},
            private=True,
        )
    )
    _codes: dict[str, _Grant] = field(default_factory=dict)

    def app(self) -> Starlette:
        """The provider's HTTP endpoints."""
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks", self._jwks),
                Route("/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/token", self._token, methods=["POST"]),
            ]
        )

    def id_token(self, user: IdpUser, *, audience: str, nonce: str) -> str:
        """An ID token for ``user``, signed with the provider's key."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "sub": user.subject,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_S,
            "nonce": nonce,
            "roles": list(user.roles),
            "municipalities": list(user.municipalities),
        }
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)

    async def _discovery(self, _: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "scopes_supported": ["openid"],
                "claims_supported": ["sub", "roles", "municipalities"],
            }
        )

    async def _jwks(self, _: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def _authorize(self, request: Request) -> Response:
        if request.method == "GET":
            values = dict(request.query_params)
        else:
            values = await _form(request)
        problem = self._authorization_problem(values)
        if problem is not None:
            return JSONResponse({"error": "invalid_request", "error_description": problem}, 400)
        authorization = {name: values[name] for name in _AUTHORIZATION_FIELDS}
        if request.method == "GET":
            return HTMLResponse(sign_in_page(authorization))
        user = self.directory.user(values.get("username", ""))
        password = values.get("password", "").encode()
        if user is None or not hmac.compare_digest(
            password, user.password.get_secret_value().encode()
        ):
            return HTMLResponse(sign_in_page(authorization, refused=True), 401)
        return self._redirect_with_code(authorization, user)

    def _authorization_problem(self, values: dict[str, str]) -> str | None:
        client = self.directory.client(values.get("client_id", ""))
        if client is None or values.get("redirect_uri") not in client.redirect_uris:
            return "unknown client or redirect_uri"
        if values.get("response_type") != "code":
            return "only response_type=code"
        if values.get("code_challenge_method") != "S256" or not values.get("code_challenge"):
            return "PKCE with code_challenge_method=S256 is required"
        if "openid" not in values.get("scope", "").split():
            return "scope must include openid"
        if not values.get("state") or not values.get("nonce"):
            return "state and nonce are required"
        return None

    def _redirect_with_code(self, authorization: dict[str, str], user: IdpUser) -> Response:
        now = time.monotonic()
        for expired in [code for code, grant in self._codes.items() if grant.expires < now]:
            del self._codes[expired]
        code = secrets.token_urlsafe(32)
        self._codes[code] = _Grant(
            client_id=authorization["client_id"],
            redirect_uri=authorization["redirect_uri"],
            nonce=authorization["nonce"],
            code_challenge=authorization["code_challenge"],
            user=user,
            expires=now + CODE_LIFETIME_S,
        )
        query = urlencode({"code": code, "state": authorization["state"]})
        return RedirectResponse(f"{authorization['redirect_uri']}?{query}", 303)

    async def _token(self, request: Request) -> Response:
        form = await _form(request)
        client = self._authenticated_client(request, form)
        if client is None:
            return JSONResponse({"error": "invalid_client"}, 401)
        if form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        grant = self._codes.pop(form.get("code", ""), None)  # single use, even when refused
        if (
            grant is None
            or grant.expires < time.monotonic()
            or grant.client_id != client.client_id
            or grant.redirect_uri != form.get("redirect_uri")
            or not verifier_matches(form.get("code_verifier", ""), grant.code_challenge)
        ):
            return JSONResponse({"error": "invalid_grant"}, 400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(32),
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME_S,
                "id_token": self.id_token(grant.user, audience=client.client_id, nonce=grant.nonce),
            },
            headers={"Cache-Control": "no-store"},
        )

    def _authenticated_client(self, request: Request, form: dict[str, str]) -> IdpClient | None:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                return None
            client_id, _, secret = decoded.partition(":")
        client = self.directory.client(client_id)
        if client is None or not hmac.compare_digest(
            secret.encode(), client.client_secret.get_secret_value().encode()
        ):
            return None
        return client
