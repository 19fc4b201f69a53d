"""The seam between the login (who is looking) and the pages (what they are shown).

A login guards the pages: it puts the signed-in ``Viewer`` and the session's CSRF token into the
ASGI scope before a page runs, sends a request without a session to sign in, and refuses an
unsafe method (POST …) whose form field ``csrf`` is not the session's token. The pages only read
the viewer from the scope and show each viewer its own municipalities, as its roles allow; they
never see how the viewer signed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

__all__ = ["CSRF_SCOPE_KEY", "VIEWER_SCOPE_KEY", "Login", "Role", "Viewer", "csrf_of", "viewer_of"]

VIEWER_SCOPE_KEY = "casehub.viewer"
CSRF_SCOPE_KEY = "casehub.csrf"


class Role(StrEnum):
    """What a signed-in person may do, from the identity provider's roles claim."""

    OPERATOR = "operator"  # watches the flows and acts: replays from the quarantine
    AUDITOR = "auditor"  # read-only, and sees the audit
    VIEWER = "viewer"  # read-only


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: a pseudonymous subject (never a name), roles and municipalities."""

    subject: str
    roles: frozenset[Role]
    municipalities: frozenset[str]

    def has(self, role: Role) -> bool:
        """Whether this viewer holds ``role``."""
        return role in self.roles

    def sees(self, municipality: str) -> bool:
        """Whether this viewer may see ``municipality``'s flows and records."""
        return municipality in self.municipalities


class Login(Protocol):
    """How the pages are guarded: the login's own routes, and the guard around the pages."""

    @property
    def routes(self) -> Sequence[BaseRoute]:
        """The login's own routes (sign in, the identity provider's callback, sign out)."""
        ...

    def guard(self, app: ASGIApp) -> ASGIApp:
        """``app`` behind the login: the viewer and the CSRF token in scope, or sign in first."""
        ...


def viewer_of(connection: HTTPConnection) -> Viewer | None:
    """The signed-in viewer the login put into this request's scope, if any."""
    viewer = connection.scope.get(VIEWER_SCOPE_KEY)
    return viewer if isinstance(viewer, Viewer) else None


def csrf_of(connection: HTTPConnection) -> str:
    """The session's CSRF token, for every form that acts (field ``csrf``)."""
    token = connection.scope.get(CSRF_SCOPE_KEY)
    return token if isinstance(token, str) else ""
