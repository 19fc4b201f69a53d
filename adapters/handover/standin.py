"""Every other municipality's hub, locally: a reception that verifies, receipts and can fail.

It plays all the municipalities the hub does not serve, with one certificate from a demo CA
(``adapters.handover.demopki``), and answers ``POST /handover/packages`` with the real
``Reception``: packages are opened and checked, receipts signed, replays answered with the
first receipt. What it publishes is kept in ``events``; ``set_down(True)`` answers 503.

In front of it runs the SF2900 stand-in (``adapters.handover.sf2900.local``, ``sf2900``):
Serviceplatformen with its SFTP server, forwarding to this reception. The settings given to
the hub are the hub-to-hub ones; a hub delivers over SF2900 with ``sf2900.settings``
(docs/handover.md says how).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.documents.port import (
    DocumentNotFoundError,
    document_key,
    new_reference,
    verified,
)
from adapters.handover.demopki import DemoCa, write_identity
from adapters.handover.keys import Keyring
from adapters.handover.reception import Reception
from adapters.handover.route import reception_route
from adapters.handover.settings import HandoverSettings, IdentityFiles, PeerSettings
from adapters.handover.sf2900.local import LocalPlatform, local_serviceplatformen
from contracts.base import Contract
from contracts.documents import DocumentReference, MediaType
from contracts.envelope import Event
from contracts.municipalities import MUNICIPALITIES
from hub.runtime.component import Standin, StandinContext
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving

__all__ = ["HandoverStandin", "MemoryDocuments", "MemoryReceipts", "handover_standin"]

_HUB_URL = "http://127.0.0.1:8080"  # where `casehub run` listens by default (CASEHUB_HTTP_PORT)


class MemoryReceipts:
    """Receipts in a dict: the stand-in's (a hub keeps them in its global store, in Kafka)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], bytes] = {}

    def get(self, municipality: str, key: str) -> bytes | None:
        """The receipt under ``key``."""
        return self.kept.get((municipality, key))

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Keep it."""
        self.kept[municipality, key] = value

    async def flush(self) -> None:
        """Nothing to wait for."""


class MemoryDocuments:
    """A document store in a dict: where the stand-in keeps a package's documents."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    async def put(
        self, content: bytes, *, media_type: MediaType, file_name: str, municipality: str
    ) -> DocumentReference:
        """Keep ``content`` under a new id (see ``DocumentStore.put``)."""
        reference = new_reference(content, media_type=media_type, file_name=file_name)
        self.kept[document_key(municipality, reference)] = content
        return reference

    async def get(self, reference: DocumentReference, *, municipality: str) -> bytes:
        """The verified bytes (see ``DocumentStore.get``)."""
        content = self.kept.get(document_key(municipality, reference))
        if content is None:
            msg = f"document {reference.document_id}: not in the store"
            raise DocumentNotFoundError(msg)
        return verified(content, reference)


class HandoverStandin:
    """The receiving side: ``events`` it published, ``documents`` it stored, ``down`` switch."""

    def __init__(self, keyring: Keyring) -> None:
        self.events: list[Event[Contract]] = []
        self.receipts = MemoryReceipts()
        self.documents = MemoryDocuments()
        self.down = False
        self.sf2900: LocalPlatform | None = None
        self.reception = Reception(
            keyring, self._publish, self.receipts, source="urn:casehub:standin:handover",
            clock=lambda: dt.datetime.now(dt.UTC), documents=self.documents,
        )  # fmt: skip
        self._app = Starlette(routes=[reception_route(self.reception)])

    async def _publish(self, event: Event[Contract]) -> str:
        self.events.append(event)
        return "standin"

    def set_down(self, on: bool) -> None:  # noqa: FBT001 - a switch
        """Switch an outage on (503) or off again."""
        self.down = on

    def asgi(self) -> ASGIApp:
        """The reception as an ASGI app, with the outage switch in front."""

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and self.down:
                answer: Response = JSONResponse({"error": "down"}, HTTPStatus.SERVICE_UNAVAILABLE)
                await answer(scope, receive, send)
                return
            await self._app(scope, receive, send)

        return app


@asynccontextmanager
async def handover_standin(context: StandinContext) -> AsyncIterator[Standin]:
    """The stand-in served on loopback, and the settings of a hub that hands over to it."""
    now = dt.datetime.now(dt.UTC)
    ca = DemoCa(now)
    others = sorted(code for code in MUNICIPALITIES if code not in context.municipalities)
    them = ca.identity(others[0])
    async with AsyncExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="casehub-handover-"))
        root = Path(folder)
        ca_file = ca.write(root)
        their_certificate, _ = write_identity(them, root / "them")
        own = {}
        ours = {}
        for code in context.municipalities:
            identity = ca.identity(code)
            ours[code] = identity.certificate
            certificate_file, key_file = write_identity(identity, root / "us")
            own[code] = IdentityFiles(certificate_file=certificate_file, key_file=key_file)
        keyring = Keyring(
            own={code: type(them)(code, them.chain, them.key) for code in others},
            peers=ours,
            roots=(ca.certificate,),
        )
        standin = HandoverStandin(keyring)
        async with serving(standin.asgi()) as url:
            standin.sf2900 = await stack.enter_async_context(
                local_serviceplatformen(
                    root / "sf2900", context.municipalities, dict.fromkeys(others, url),
                    hub_url=_HUB_URL,
                )
            )  # fmt: skip
            endpoint = EndpointSettings(base_url=url, timeout_s=5.0)
            settings = HandoverSettings(
                own=own,
                peers={
                    code: PeerSettings(certificate_file=their_certificate, endpoint=endpoint)
                    for code in others
                },
                trusted_cas=(ca_file,),
            )

            def down(on: bool) -> None:  # noqa: FBT001 - a switch
                standin.set_down(on)
                if standin.sf2900 is not None:
                    standin.sf2900.standin.set_down(on)

            yield Standin(
                f"Other municipalities' hubs (handover reception; SF2900 {standin.sf2900.url})",
                url, standin, settings, down,
            )  # fmt: skip
