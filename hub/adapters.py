"""The national-service adapters the settings ask for, as hub components.

Each adapter runs only when its settings are given (``CASEHUB_CPR``, ``CASEHUB_DIGITALPOST``),
so a hub serves exactly the integrations a municipality has agreements for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.cpr import CprClient, cpr_http_client
from adapters.cpr.wiring import NAME as CPR
from adapters.cpr.wiring import build_person_lookup
from adapters.digitalpost import DigitalPostClient
from adapters.digitalpost.sent import SentLetters
from adapters.digitalpost.wiring import NAME as DIGITALPOST
from adapters.digitalpost.wiring import build_letter_sender, poll_receipts
from contracts.base import Contract
from contracts.envelope import Event
from hub.component import Component
from hub.settings import Settings

__all__ = ["adapter_components"]

Publish = Callable[[Event[Contract]], Awaitable[str]]


def adapter_components(settings: Settings, publish: Publish) -> list[Component]:
    """Build the configured adapters; importing this module builds nothing."""
    components = []
    if settings.cpr is not None:
        http = cpr_http_client(settings.cpr)
        register = CprClient.connect(http, settings.cpr)
        handler = build_person_lookup(register, publish, source=f"{settings.source}:cpr")
        components.append(Component(CPR, handler, close=http.aclose))
    if settings.digitalpost is not None:
        config = settings.digitalpost
        post_http = config.http_client()
        post = DigitalPostClient(post_http)
        sent = SentLetters(settings.state_dir / "digitalpost.sqlite3")
        source = f"{settings.source}:digitalpost"

        async def close() -> None:
            await post_http.aclose()
            sent.close()

        async def receipts() -> None:
            await poll_receipts(post, sent, publish, source=source, every_s=config.receipt_poll_s)

        components.append(
            Component(
                DIGITALPOST,
                build_letter_sender(post, sent, publish, sender=config.sender, source=source),
                close=close,
                background=receipts,
            )
        )
    return components
