"""The Digital Post adapter as one hub component: consumes, settings, build, stand-in, commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from httpx import AsyncClient

from adapters.cpr.population import synthetic_population
from adapters.digitalpost.client import DigitalPostClient
from adapters.digitalpost.commands import digitalpost
from adapters.digitalpost.sent import CURSOR_STORE, SENT_STORE, SentLetters
from adapters.digitalpost.settings import DigitalPostSettings
from adapters.digitalpost.standin import DigitalPostStandin, Reach
from adapters.digitalpost.token import Agreement, ServiceplatformenTokens, use_key
from adapters.digitalpost.wiring import NAME, build_letter_sender, poll_receipts
from adapters.documents import COMPONENT as DOCUMENTS
from adapters.documents import DocumentStoreSettings, OpenedStore, open_document_store
from contracts.letters import LetterRequested, LetterRequestedV2
from hub.runtime.component import (
    BuildContext,
    Component,
    ComponentSpec,
    SettingsField,
    Standin,
    StandinContext,
)
from hub.runtime.serve import serving

__all__ = ["COMPONENT"]


def _tokens(settings: DigitalPostSettings) -> tuple[ServiceplatformenTokens, list[AsyncClient]]:
    """The token port: one agreement per sender CVR, each with its certificate's clients."""
    own = settings.own_certificates()
    cvrs = {settings.sender_cvr} | {sender.cvr for sender in settings.senders.values()}
    agreements: dict[str, Agreement] = {}
    clients: list[AsyncClient] = []
    for cvr in sorted(cvrs):
        cert = own.get(cvr)
        cert_file = cert[0] if cert is not None else settings.cert_file
        sts = settings.http_client_with(settings.sts_url or settings.base_url, cert)
        platform = settings.http_client_with(settings.base_url, cert)
        clients += [sts, platform]
        key = "" if cert_file is None else use_key(cert_file)
        agreements[cvr] = Agreement(cvr, key, sts, platform)
    return ServiceplatformenTokens(agreements, margin_s=settings.token_margin_s), clients


def _build(settings: DigitalPostSettings, context: BuildContext) -> Component:
    http = settings.http_client()
    tokens, token_clients = _tokens(settings)
    own = {
        cvr: settings.http_client_with(settings.base_url, cert)
        for cvr, cert in settings.own_certificates().items()
    }
    post = DigitalPostClient(http, tokens=tokens, receipts_cvr=settings.sender_cvr, own=own)
    clients = [http, *token_clients, *own.values()]

    async def close() -> None:
        for client in clients:
            await client.aclose()

    sent = SentLetters(context.store(SENT_STORE), context.store(CURSOR_STORE))
    # The document store the hub's documents component serves, opened here too: a v2
    # letter's documents are read through the same port (None: the hub has none).
    store_settings = context.component_settings(DOCUMENTS.name)
    documents = OpenedStore() if isinstance(store_settings, DocumentStoreSettings) else None

    async def receipts() -> None:
        await poll_receipts(
            post, sent, context.publish, source=context.source, every_s=settings.receipt_poll_s
        )

    async def background() -> None:
        if documents is None or not isinstance(store_settings, DocumentStoreSettings):
            await receipts()
            return
        async with open_document_store(
            store_settings, state_dir=context.state_dir, municipalities=context.municipalities
        ) as store:
            documents.store = store  # until then a letter with documents is retried
            try:
                await receipts()
            finally:
                documents.store = None

    handler = build_letter_sender(
        post,
        sent,
        context.publish,
        senders=settings.sender_for,
        source=context.source,
        documents=documents,
    )
    return Component(NAME, handler, close=close, background=background)


@asynccontextmanager
async def _standin(_context: StandinContext) -> AsyncIterator[Standin]:
    # The CPR stand-in's family: the father of the demo family has no Digital Post, so his
    # letters go to print.
    people = synthetic_population()
    reach = {person.reveal(): Reach.DIGITAL for person in (people.child, people.mother)}
    reach[people.father.reveal()] = Reach.PRINT_ONLY
    post = DigitalPostStandin(reach)
    async with serving(post.asgi()) as url:
        settings = DigitalPostSettings(
            base_url=url,
            sender_cvr="29189617",
            sender_label="Kommunen (stand-in)",
            timeout_s=5.0,
            receipt_poll_s=1.0,
        )
        yield Standin("Digital Post (SF1601)", url, post, settings, post.set_down)


COMPONENT: ComponentSpec[DigitalPostSettings] = ComponentSpec(
    name=NAME,
    consumes=(LetterRequested, LetterRequestedV2),
    build=_build,
    settings=SettingsField(
        DigitalPostSettings | None,
        None,
        "The Digital Post adapter (SF1601), as JSON; absent: not run.",
    ),
    standin=_standin,
    commands=(digitalpost,),
    # Each sent letter (for its receipt) and each task's receipt cursor, in the changelog.
    stores=(SENT_STORE, CURSOR_STORE),
)
