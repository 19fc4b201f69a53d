"""The handover component: consumes, settings, build (its stores in Kafka) and the reception."""

from __future__ import annotations

import datetime as dt
from typing import Final

import httpx
from starlette.routing import BaseRoute

from adapters.cpr.client import CprClient
from adapters.handover.answers import AnswerDesk
from adapters.handover.commands import handover
from adapters.handover.direct import HttpTransport
from adapters.handover.memory import REMEMBERED, STORE, CaseMemory
from adapters.handover.reception import Reception
from adapters.handover.route import answers_route, reception_route
from adapters.handover.settings import HandoverSettings
from adapters.handover.sf2900.transport import Sf2900Transport
from adapters.handover.sf2900.wiring import SF2900_RECEIPTS as SF2900
from adapters.handover.sf2900.wiring import sf2900_transport
from adapters.handover.standin import handover_standin
from adapters.handover.wiring import HANDOVERS, NAME, build_handover
from contracts.handover import HandoverAccepted, HandoverRejected, HandoverStarted
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "RECEIPTS"]

RECEIPTS: Final = "receipts"
"""The global store of the first receipt of every handover received (any instance answers)."""
SENT: Final = "sent"
"""The global store of every handover delivered: to whom, for which case (any instance takes
the answer, and checks it against this)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _build(settings: HandoverSettings, context: BuildContext) -> Component:
    foreign = sorted(set(settings.own) - set(context.municipalities))
    if foreign:  # one municipality never acts as another: only those this hub serves
        msg = f"handover: own certificates for municipalities the hub does not serve: {foreign}"
        raise ValueError(msg)
    keyring = settings.keyring()
    clients: dict[str, httpx.AsyncClient] = {
        code: peer.endpoint.http_client()
        for code, peer in settings.peers.items()
        if peer.endpoint is not None
    }
    transport: HttpTransport | Sf2900Transport = HttpTransport(clients)
    receipt_routes: tuple[BaseRoute, ...] = ()  # SF2900's business receipts, signed callers
    if settings.sf2900 is not None:
        transport, receipt_routes = sf2900_transport(settings.sf2900, context.global_table(SF2900))
    register_http = None if settings.cpr is None else settings.cpr.http_client()
    register = (
        None
        if register_http is None or settings.cpr is None
        else CprClient.connect(register_http, settings.cpr)
    )
    receipts = context.global_table(RECEIPTS)
    sent = context.global_table(SENT)
    handler = build_handover(
        keyring,
        transport,
        context.publish,
        memory=CaseMemory(context.store(STORE)),
        handovers=context.store(HANDOVERS),
        register=register,
        source=context.source,
        clock=_now,
        received=receipts,
        auditor=context.auditor(NAME),
        sent=sent,
    )
    desk = AnswerDesk(keyring, context.publish, source=context.source, clock=_now, sent=sent)
    routes: list[BaseRoute] = [answers_route(desk)]
    if receipts is not None:  # the reception keeps its receipts in Kafka, or is not served
        reception = Reception(keyring, context.publish, receipts, source=context.source, clock=_now)
        routes.append(reception_route(reception))

    async def close() -> None:
        await transport.aclose()
        if register_http is not None:
            await register_http.aclose()

    # A peer hub signs every package and answer itself: they are verified, not its caller.
    return Component(NAME, handler, close=close, routes=receipt_routes, peer_routes=tuple(routes))


COMPONENT: ComponentSpec[HandoverSettings] = ComponentSpec(
    name=NAME,
    consumes=(*REMEMBERED, HandoverStarted, HandoverAccepted, HandoverRejected),
    build=_build,
    settings=SettingsField(
        HandoverSettings | None,
        None,
        "Certificates per municipality, peers and trusted CAs (BL §132), as JSON; absent: not run.",
    ),
    standin=handover_standin,
    commands=(handover,),
    # What the hub has seen of each case and each handover's outcome, in Kafka.
    stores=(STORE, HANDOVERS),
    global_stores=(RECEIPTS, SENT, SF2900),
)
