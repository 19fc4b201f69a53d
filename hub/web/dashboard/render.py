"""The pages' HTML: Jinja2 templates, autoescaped, with what every page shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from hub.web.dashboard.access import require_viewer
from hub.web.viewer import csrf_of

__all__ = ["NAVIGATION", "page", "when"]

NAVIGATION = (
    ("flows", "Flows"),
    ("lag", "Consumer lag"),
    ("health", "Adapter health"),
    ("quarantine", "Quarantine"),
    ("deadlines", "Legal clock"),
    ("journal", "Case journal"),
)
"""Each page's route name and its link text, in the order of the navigation."""

# autoescape is on for .html: a reason, a header or a payload is text a record brought.
_TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def when(epoch: float | None) -> str:
    """An epoch time as the pages show it (UTC, to the second); '-' for none."""
    if epoch is None:
        return "-"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def page(
    request: Request,
    template: str,
    status_code: int = 200,
    **context: Any,  # noqa: ANN401
) -> Response:
    """``template`` rendered for the signed-in viewer, with the navigation and CSRF token."""
    viewer = require_viewer(request)
    return _TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "roles": sorted(role.value for role in viewer.roles),
            "csrf": csrf_of(request),
            "navigation": NAVIGATION,
            # Links are made under the mount point (the guard hides the routes from url_for).
            "base": str(request.scope.get("root_path", "")).rstrip("/"),
            **context,
        },
        status_code=status_code,
    )
