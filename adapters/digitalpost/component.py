"""The Digital Post adapter as one hub component: consumes, settings, build, stand-in, commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.cpr.population import synthetic_population
from adapters.digitalpost.client import DigitalPostClient
from adapters.digitalpost.commands import digitalpost
from adapters.digitalpost.sent import CURSOR_STORE, SENT_STORE, SentLetters
from adapters.digitalpost.settings import DigitalPostSettings
from adapters.digitalpost.standin import DigitalPostStandin, Reach
from adapters.digitalpost.wiring import NAME, build_letter_sender, poll_receipts
from contracts.letters import LetterRequested
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


def _build(settings: DigitalPostSettings, context: BuildContext) -> Component:
    http = settings.http_client()
    post = DigitalPostClient(http)
    sent = SentLetters(context.store(SENT_STORE), context.store(CURSOR_STORE))

    async def receipts() -> None:
        await poll_receipts(
            post, sent, context.publish, source=context.source, every_s=settings.receipt_poll_s
        )

    handler = build_letter_sender(
        post, sent, context.publish, sender=settings.sender, source=context.source
    )
    return Component(NAME, handler, close=http.aclose, background=receipts)


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
    consumes=(LetterRequested,),
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
