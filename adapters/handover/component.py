"""The handover component: consumes, settings, build (its stores in Kafka) and the reception."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Final

import httpx
from starlette.routing import BaseRoute

from adapters.cpr.client import CprClient
from adapters.documents import COMPONENT as DOCUMENTS
from adapters.documents import DocumentStoreSettings, OpenedStore, open_document_store
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
    # The document store the hub's documents component serves, opened here too: the sender
    # reads a case's documents into the package through it, the receiver stores a package's
    # documents in it (None: the hub has none).
    store_settings = context.component_settings(DOCUMENTS.name)
    documents = OpenedStore() if isinstance(store_settings, DocumentStoreSettings) else None
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
        documents=documents,
    )
    desk = AnswerDesk(keyring, context.publish, source=context.source, clock=_now, sent=sent)
    routes: list[BaseRoute] = [answers_route(desk)]
    if receipts is not None:  # the reception keeps its receipts in Kafka, or is not served
        reception = Reception(
            keyring, context.publish, receipts, source=context.source, clock=_now,
            documents=documents,
        )  # fmt: skip
        routes.append(reception_route(reception))

    async def close() -> None:
        await transport.aclose()
        if register_http is not None:
            await register_http.aclose()

    async def keep_documents_open() -> None:
        if documents is None or not isinstance(store_settings, DocumentStoreSettings):
            return
        async with open_document_store(
            store_settings, state_dir=context.state_dir, municipalities=context.municipalities
        ) as store:
            documents.store = store  # until then a package with documents is retried
            try:
                await asyncio.Event().wait()  # until the hub stops and cancels it
            finally:
                documents.store = None

    # A peer hub signs every package and answer itself: they are verified, not its caller.
    return Component(
        NAME,
        handler,
        close=close,
        routes=receipt_routes,
        peer_routes=tuple(routes),
        background=keep_documents_open,
    )


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
