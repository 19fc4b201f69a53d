"""The hub's pages for people (municipal IT operations): who is looking, and what they may do."""

from hub.web.viewer import CSRF_SCOPE_KEY, VIEWER_SCOPE_KEY, Login, Role, Viewer, csrf_of, viewer_of

__all__ = ["CSRF_SCOPE_KEY", "VIEWER_SCOPE_KEY", "Login", "Role", "Viewer", "csrf_of", "viewer_of"]
