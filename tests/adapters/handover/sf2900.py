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
from adapters.handover.reception import Receipts
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

__all__ = ["Loop", "Platform", "SharedLog", "cvr_of", "serviceplatformen", "sf2900_loop"]


class SharedLog:
    """A global table's compacted topic as several instances see it (the last record wins).

    Each ``view`` is one instance: its own writes lie over what it has read, and it reads the
    log only while it ``follows`` (a lagging instance: ``follows=False``, as read up to ``to``).
    """

    def __init__(self) -> None:
        self.records: list[tuple[str, str, bytes]] = []

    def view(self, *, follows: bool = True) -> View:
        """One instance's view of the log."""
        return View(self, follows=follows)

    def last(self, municipality: str, key: str) -> bytes | None:
        """The key's value once the topic is compacted (what a new instance reads)."""
        values = [v for m, k, v in self.records if (m, k) == (municipality, key)]
        return values[-1] if values else None


class View:
    """One instance's ``Receipts`` over a ``SharedLog`` (as ``GlobalStore`` over the table)."""

    def __init__(self, log: SharedLog, *, follows: bool) -> None:
        self.log = log
        self.follows = follows
        self._read: dict[tuple[str, str], bytes] = {}
        self._read_to = 0
        self._own: dict[tuple[str, str], bytes] = {}

    def get(self, municipality: str, key: str) -> bytes | None:
        """This instance's own change, else what it has read."""
        if self.follows:
            for m, k, v in self.log.records[self._read_to :]:
                self._read[m, k] = v
                self._own.pop((m, k), None)  # read back: the log has it
            self._read_to = len(self.log.records)
        own = self._own.get((municipality, key))
        return own if own is not None else self._read.get((municipality, key))

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Set it here at once; in the log at once too (as if flushed)."""
        self._own[municipality, key] = value
        self.log.records.append((municipality, key, value))

    async def flush(self) -> None:
        """Written already."""


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
    receipts: Receipts
    platform: Serviceplatformen
    receiver: HandoverStandin
    sending: Identity
    receiving: Identity
    keyring: Keyring
    """The sending side's keyring (verifies the receiver's receipt)."""
    settings: Sf2900Settings
    """The sending hub's (another instance's transport is built from them)."""


@asynccontextmanager
async def sf2900_loop(
    folder: Path,
    *,
    receipt_wait_s: float = 5.0,
    receipts: Receipts | None = None,
    route_receipts: Receipts | None = None,
) -> AsyncIterator[Loop]:
    """Sender ``SENDER`` hands to ``RECEIVER`` over the SF2900 stand-in.

    ``receipts`` is the transport's instance's view of the sender's store, ``route_receipts``
    the receipt route's (two instances); by default one ``MemoryReceipts`` for both.
    """
    ca = DemoCa(dt.datetime.now(dt.UTC))
    sending, receiving = ca.identity(SENDER), ca.identity(RECEIVER)
    receiver = HandoverStandin(
        Keyring(own={RECEIVER: receiving}, peers={SENDER: sending.certificate},
                roots=(ca.certificate,))
    )  # fmt: skip
    keyring = Keyring(
        own={SENDER: sending}, peers={RECEIVER: receiving.certificate}, roots=(ca.certificate,)
    )
    receipts = receipts or MemoryReceipts()
    route = kvittering_route(route_receipts or receipts, {SENDER: cvr_of(SENDER)})
    sender_app = Starlette(routes=[route])
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
            yield Loop(
                transport, receipts, platform.standin, receiver, sending, receiving, keyring,
                settings,
            )  # fmt: skip
        finally:
            await transport.aclose()
