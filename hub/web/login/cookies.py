"""The login's cookies: encrypted and authenticated (JWE dir + A256GCM), so nothing is stored.

Two cookies: the session (who signed in, their roles, municipalities and CSRF token) and,
for the few minutes of a sign-in, its pending state (state, nonce, PKCE verifier, where to
go next). Both are sealed with a key derived from the session key file that every instance
reads, so any instance opens any session, and no instance keeps one on its disk. A cookie is
HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET that must carry the
pending cookie), and Secure with the ``__Host-`` prefix when the hub is reached over https.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from starlette.requests import HTTPConnection
from starlette.responses import Response

__all__ = ["PENDING_MAX_AGE_S", "Cookies", "Pending", "Session"]

PENDING_MAX_AGE_S = 600
"""How long a sign-in may take at the provider."""

_HEADER = {"alg": "dir", "enc": "A256GCM"}


@dataclass(frozen=True)
class Session:
    """A signed-in person, as the session cookie carries them (``subject``: a pseudonym)."""

    subject: str
    roles: tuple[str, ...]
    municipalities: tuple[str, ...]
    csrf: str


@dataclass(frozen=True)
class Pending:
    """A sign-in under way at the provider."""

    state: str
    nonce: str
    verifier: str
    next_path: str


class Cookies:
    """Seals and opens the login's cookies, and sets and clears them on responses."""

    def __init__(self, session_key: bytes, *, secure: bool, session_max_age_s: int) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"casehub login cookies v1"
        ).derive(session_key)
        self._key = OctKey.import_key(derived)
        self._secure = secure
        self._session_max_age_s = session_max_age_s
        prefix = "__Host-" if secure else ""
        self.session_name = f"{prefix}casehub-session"
        self.pending_name = f"{prefix}casehub-sign-in"

    def _seal(self, purpose: str, data: dict[str, Any], max_age_s: int) -> str:
        payload = {**data, "purpose": purpose, "exp": int(time.time()) + max_age_s}
        return jwe.encrypt_compact(_HEADER, json.dumps(payload).encode(), self._key)

    def _open(self, purpose: str, value: str | None) -> dict[str, Any] | None:
        if not value:
            return None
        try:
            plaintext = jwe.decrypt_compact(value, self._key).plaintext
            payload = json.loads(plaintext or b"")
        except (JoseError, ValueError, TypeError):
            return None  # tampered, another key, or not ours: no session
        if not isinstance(payload, dict) or payload.get("purpose") != purpose:
            return None
        expires = payload.get("exp")
        if not isinstance(expires, int) or expires < time.time():
            return None
        return payload

    def _set(self, response: Response, name: str, value: str, max_age_s: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age_s,
            path="/",
            secure=self._secure,
            httponly=True,
            samesite="lax",
        )

    def session(self, connection: HTTPConnection) -> Session | None:
        """The request's session, if it carries a good one."""
        payload = self._open("session", connection.cookies.get(self.session_name))
        if payload is None:
            return None
        try:
            return Session(
                subject=str(payload["subject"]),
                roles=tuple(str(role) for role in payload["roles"]),
                municipalities=tuple(str(code) for code in payload["municipalities"]),
                csrf=str(payload["csrf"]),
            )
        except (KeyError, TypeError):
            return None

    def set_session(self, response: Response, session: Session) -> None:
        """Start ``session`` on the browser ``response`` goes to."""
        sealed = self._seal(
            "session",
            {
                "subject": session.subject,
                "roles": list(session.roles),
                "municipalities": list(session.municipalities),
                "csrf": session.csrf,
            },
            self._session_max_age_s,
        )
        self._set(response, self.session_name, sealed, self._session_max_age_s)

    def pending(self, connection: HTTPConnection) -> Pending | None:
        """The sign-in under way in this browser, if any."""
        payload = self._open("pending", connection.cookies.get(self.pending_name))
        if payload is None:
            return None
        try:
            return Pending(
                state=str(payload["state"]),
                nonce=str(payload["nonce"]),
                verifier=str(payload["verifier"]),
                next_path=str(payload["next_path"]),
            )
        except KeyError:
            return None

    def set_pending(self, response: Response, pending: Pending) -> None:
        """Remember ``pending`` in the browser until the provider sends it back."""
        sealed = self._seal(
            "pending",
            {
                "state": pending.state,
                "nonce": pending.nonce,
                "verifier": pending.verifier,
                "next_path": pending.next_path,
            },
            PENDING_MAX_AGE_S,
        )
        self._set(response, self.pending_name, sealed, PENDING_MAX_AGE_S)

    def clear(self, response: Response, name: str) -> None:
        """Remove the cookie ``name`` from the browser."""
        response.delete_cookie(name, path="/", secure=self._secure, httponly=True, samesite="lax")
