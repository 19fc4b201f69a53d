"""The SF2900 stand-in between a sending side and a receiving side, on loopback, for the tests.

The receiving side is the handover stand-in's real ``Reception`` (``HandoverStandin``); the
sending side serves the real ``FordelingskvitteringModtag`` route behind the caller check,
its receipts in memory. Between them ``Serviceplatformen`` with a real SFTP server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from adapters.handover.demopki import DemoCa
from adapters.handover.keys import Identity, Keyring
from adapters.handover.sf2900.kvittering import kvittering_route
from adapters.handover.sf2900.local import demo_cvr as cvr_of
from adapters.handover.sf2900.local import local_serviceplatformen
from adapters.handover.sf2900.settings import Sf2900Settings
from adapters.handover.sf2900.standin import Hub, Serviceplatformen
from adapters.handover.sf2900.transport import Sf2900Transport
from adapters.handover.standin import HandoverStandin, MemoryReceipts
from hub.runtime.serve import serving
from tests.adapters.handover.cases import RECEIVER, SENDER
from tests.callers import signed_app, signing

__all__ = ["Loop", "Platform", "cvr_of", "serviceplatformen", "sf2900_loop"]


@dataclass
class Platform:
    """The running Serviceplatformen stand-in, and each municipality's hub's SF2900 settings."""

    standin: Serviceplatformen
    settings: dict[str, Sf2900Settings]


@asynccontextmanager
async def serviceplatformen(
    folder: Path, municipalities: tuple[str, ...], *, receipt_wait_s: float = 5.0
) -> AsyncIterator[Platform]:
    """The stand-in for ``municipalities`` (each its SFTP user); ``standin.hubs`` left to fill."""
    async with local_serviceplatformen(
        folder, municipalities, {}, hub_url="http://127.0.0.1:9", receipt_wait_s=receipt_wait_s
    ) as local:
        local.standin.hubs.clear()  # each test says where every municipality's hub is
        settings = {
            code: local.settings.model_copy(
                update={"agreements": {code: local.settings.agreements[code]}}
            )
            for code in municipalities
        }
        yield Platform(local.standin, settings)


@dataclass
class Loop:
    """The running loop: the sender's transport and receipts, the stand-ins, the identities."""

    transport: Sf2900Transport
    receipts: MemoryReceipts
    platform: Serviceplatformen
    receiver: HandoverStandin
    sending: Identity
    receiving: Identity
    keyring: Keyring
    """The sending side's keyring (verifies the receiver's receipt)."""


@asynccontextmanager
async def sf2900_loop(folder: Path, *, receipt_wait_s: float = 5.0) -> AsyncIterator[Loop]:
    """Sender ``SENDER`` hands to ``RECEIVER`` over the SF2900 stand-in."""
    ca = DemoCa(dt.datetime.now(dt.UTC))
    sending, receiving = ca.identity(SENDER), ca.identity(RECEIVER)
    receiver = HandoverStandin(
        Keyring(own={RECEIVER: receiving}, peers={SENDER: sending.certificate},
                roots=(ca.certificate,))
    )  # fmt: skip
    keyring = Keyring(
        own={SENDER: sending}, peers={RECEIVER: receiving.certificate}, roots=(ca.certificate,)
    )
    receipts = MemoryReceipts()
    sender_app = Starlette(routes=[kvittering_route(receipts, {SENDER: cvr_of(SENDER)})])
    async with (
        serviceplatformen(folder, (SENDER, RECEIVER), receipt_wait_s=receipt_wait_s) as platform,
        serving(receiver.asgi()) as receiver_url,
        serving(signed_app(sender_app, [SENDER])) as sender_url,
    ):
        platform.standin.hubs.update(
            {RECEIVER: Hub(receiver_url), SENDER: Hub(sender_url, auth=signing())}
        )
        settings = platform.settings[SENDER]
        transport = Sf2900Transport(settings, settings.endpoint.http_client(), receipts)
        try:
            yield Loop(transport, receipts, platform.standin, receiver, sending, receiving, keyring)
        finally:
            await transport.aclose()
