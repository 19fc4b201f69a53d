"""The quarantine pages: browse and filter, one record's reason and headers, replay it.

What each role sees (``access.PAYLOAD_ROLES``): every role the records of its
municipalities, their reasons and headers; only the operator their payloads, and only the
operator replays. A replay is the command line's (``hub.cli.quarantine_ops.replay``): its
``AuditRecorded`` names the viewer's subject as the operator and the reason given, and is
on the municipality's audit topic before the record goes back.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.cli.quarantine_ops import Entry, Filters, ReplayRefusedError, read_entries, replay
from hub.web.dashboard.access import PAYLOAD_ROLES, require_role, require_viewer, visible
from hub.web.dashboard.form import acting_form
from hub.web.dashboard.render import page
from hub.web.dashboard.view import HubView
from hub.web.viewer import Role, Viewer

__all__ = ["quarantine_routes"]

_HIDDEN_HEADERS = frozenset({"quarantine_original_headers"})  # a copy of the others, encoded


def quarantine_routes(hub: HubView) -> list[Route]:
    """``GET /quarantine``, ``GET /quarantine/{ref}``, ``POST /quarantine/{ref}/replay``."""

    async def listing(request: Request) -> Response:
        viewer = require_viewer(request)
        mine = visible(viewer, hub)
        asked = {
            k: request.query_params.get(k, "").strip() for k in ("municipality", "reason", "topic")
        }
        filters = Filters(
            municipality=asked["municipality"] or None,
            reason=asked["reason"] or None,
            topic=asked["topic"] or None,
        )
        entries = await read_entries(hub.kafka, filters, municipalities=mine) if mine else []
        return page(
            request,
            "quarantine.html",
            entries=entries,
            asked=asked,
            municipalities=mine,
            replayed=request.query_params.get("replayed", ""),
        )

    async def detail(request: Request) -> Response:
        viewer = require_viewer(request)
        entry = await _entry(hub, viewer, request.path_params["ref"])
        return _detail(request, viewer, entry)

    async def replay_one(request: Request) -> Response:
        viewer = require_viewer(request)
        require_role(viewer, Role.OPERATOR)
        form = await acting_form(request)
        entry = await _entry(hub, viewer, request.path_params["ref"])
        try:
            await replay(hub.kafka, [entry], reason=form.get("reason", ""), operator=viewer.subject)
        except ReplayRefusedError as exc:
            # The refusal names the record and why (never its content): say it on the form.
            return _detail(request, viewer, entry, refused=str(exc))
        base = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(
            f"{base}/quarantine?replayed={quote(entry.ref)}", status_code=HTTPStatus.SEE_OTHER
        )

    return [
        Route("/quarantine", listing, methods=["GET"], name="quarantine"),
        Route("/quarantine/{ref}", detail, methods=["GET"]),
        Route("/quarantine/{ref}/replay", replay_one, methods=["POST"]),
    ]


async def _entry(hub: HubView, viewer: Viewer, ref: str) -> Entry:
    """The quarantined record at ``ref`` (its own or its source address); 404 if not the viewer's.

    One of a municipality the viewer may not see is as absent as one that never was.
    """
    mine = visible(viewer, hub)
    found = await read_entries(hub.kafka, Filters(refs=(ref,)), municipalities=mine) if mine else []
    if not found:
        raise HTTPException(HTTPStatus.NOT_FOUND)
    return found[0]


def _detail(request: Request, viewer: Viewer, entry: Entry, refused: str = "") -> Response:
    may_see_payload = not PAYLOAD_ROLES.isdisjoint(viewer.roles)
    payload = None
    if may_see_payload and not entry.truncated:
        payload = (entry.value or b"").decode(errors="replace")
    return page(
        request,
        "quarantine_entry.html",
        status_code=HTTPStatus.BAD_REQUEST if refused else HTTPStatus.OK,
        entry=entry,
        headers=sorted((k, v) for k, v in entry.headers.items() if k not in _HIDDEN_HEADERS),
        may_see_payload=may_see_payload,
        payload=payload,
        may_replay=viewer.has(Role.OPERATOR),
        refused=refused,
    )
