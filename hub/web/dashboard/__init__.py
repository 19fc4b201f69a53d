"""The operations dashboard: server-rendered pages for a signed-in viewer's municipalities.

Flows, consumer lag, adapter health, the quarantine, the legal clock and the case journal.
"""

from hub.web.dashboard.access import PAYLOAD_ROLES
from hub.web.dashboard.app import dashboard_app
from hub.web.dashboard.view import HubView, Watched

__all__ = ["PAYLOAD_ROLES", "HubView", "Watched", "dashboard_app"]
