"""The case journal page: every step of a case in order, across its sub-processes, masked.

Names, CPR numbers, addresses and free text are masked (•••) for every role: the journal's
store never holds them (``hub.components.journal.steps``), so no role can be shown more
here; a person's data is read in the case system, which audits who looks. A case of a
municipality the viewer may not see is answered 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.components.journal.read import read_journal
from hub.web.dashboard.access import require_viewer, require_visible, visible
from hub.web.dashboard.render import page
from hub.web.dashboard.view import HubView

__all__ = ["journal_route"]


def journal_route(hub: HubView) -> Route:
    """``GET /journal?municipality=K&case=C`` (without a case: the form alone)."""

    async def journal(request: Request) -> Response:
        viewer = require_viewer(request)
        municipality = request.query_params.get("municipality", "").strip()
        case_id = request.query_params.get("case", "").strip()
        steps = None
        if case_id:
            require_visible(viewer, hub, municipality)
            steps = await read_journal(
                hub.kafka, group=hub.group_of("journal"), municipality=municipality, case_id=case_id
            )
        return page(
            request,
            "journal.html",
            municipalities=visible(viewer, hub),
            municipality=municipality,
            case_id=case_id,
            steps=steps,
        )

    return Route("/journal", journal, methods=["GET"], name="journal")
