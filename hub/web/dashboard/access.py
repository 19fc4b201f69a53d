"""Who may see what: the viewer from the login, its municipalities, and the role checks.

A record of a municipality the viewer may not see is answered 404 (not 403): a refusal would
tell the viewer that the record, and the municipality's traffic, exist.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request

from hub.web.dashboard.view import HubView
from hub.web.viewer import Role, Viewer, viewer_of

__all__ = ["PAYLOAD_ROLES", "require_role", "require_viewer", "require_visible", "visible"]

PAYLOAD_ROLES = frozenset({Role.OPERATOR})
"""Who sees a quarantined record's payload (personal data): the operator, who must read it to
judge a replay. The auditor audits what was done, not the records' contents; the viewer only
watches the flows."""


def require_viewer(request: Request) -> Viewer:
    """The signed-in viewer; 401 when the login put none in scope (never served unguarded)."""
    viewer = viewer_of(request)
    if viewer is None:
        raise HTTPException(HTTPStatus.UNAUTHORIZED)
    return viewer


def visible(viewer: Viewer, hub: HubView) -> list[str]:
    """The municipalities of this hub the viewer may see, in order."""
    return sorted(code for code in hub.municipalities if viewer.sees(code))


def require_visible(viewer: Viewer, hub: HubView, municipality: str) -> str:
    """``municipality``, if the viewer may see it here; else 404 (not naming it)."""
    if municipality not in visible(viewer, hub):
        raise HTTPException(HTTPStatus.NOT_FOUND)
    return municipality


def require_role(viewer: Viewer, role: Role) -> None:
    """403 unless the viewer holds ``role``."""
    if not viewer.has(role):
        raise HTTPException(HTTPStatus.FORBIDDEN)
