"""The legal-clock board: deadlines approaching and missed, per municipality and rule.

Read from the deadline engine's changelog (``read_deadlines``, as ``casehub deadlines
status``), so it shows every instance's deadlines, not only this one's. Oldest first: the
earliest due at the top of each municipality's and rule's list.
"""

from __future__ import annotations

from itertools import groupby

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.clock.state import Status
from hub.components.deadlines.status import as_json, read_deadlines
from hub.web.dashboard.access import require_viewer, visible
from hub.web.dashboard.render import page
from hub.web.dashboard.view import HubView

__all__ = ["BOARD_STATUSES", "deadlines_route"]

BOARD_STATUSES = (Status.MISSED, Status.APPROACHING)
"""What the board is for: what is late, and what soon will be (the met and withdrawn are
history, and a deadline only set is not yet near)."""


def deadlines_route(hub: HubView) -> Route:
    """``GET /deadlines``."""

    async def board(request: Request) -> Response:
        viewer = require_viewer(request)
        mine = visible(viewer, hub)
        found = (
            await read_deadlines(
                hub.kafka, mine, group=hub.group_of("deadlines"), include_closed=True
            )
            if mine
            else []
        )
        shown = sorted(
            (t for t in found if t.status in BOARD_STATUSES and t.municipality in mine),
            key=lambda t: (t.municipality, t.rule_id, t.due_at, t.deadline_id),
        )
        groups = [
            (municipality, rule, [as_json(t) for t in rows])
            for (municipality, rule), rows in groupby(
                shown, key=lambda t: (t.municipality, t.rule_id)
            )
        ]
        return page(
            request, "deadlines.html", groups=groups, statuses=[s.value for s in BOARD_STATUSES]
        )

    return Route("/deadlines", board, methods=["GET"], name="deadlines")
