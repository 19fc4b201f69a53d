"""The demo's login for the dashboard: the hook the stand-in identity provider plugs into.

``casehub demo`` serves the dashboard (``/ops``) only behind a login (``hub.web.viewer.Login``),
like every hub. The login helper's stand-in IdP (OIDC discovery, JWKS, code flow with PKCE)
is wired here: ``demo_login`` returns its ``Login`` for the demo's municipality. Until then it
returns None, and the demo says the dashboard needs ``CASEHUB_LOGIN``.
"""

from __future__ import annotations

from hub.web.viewer import Login

__all__ = ["demo_login"]


def demo_login(municipality: str) -> Login | None:  # noqa: ARG001 - the IdP's users' municipality
    """DEMO LOGIN HOOK: the stand-in IdP's login for ``municipality``'s users; None: none yet."""
    return None
