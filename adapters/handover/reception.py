"""The receiving side: open a package, tell the bus, answer with a signed receipt, once.

=====================================  ===============================================
package                                outcome
=====================================  ===============================================
passes every check, first time         documents stored (``documents``), origin kept
                                       (``origins``), ``HandoverReceivedV2`` naming them
                                       published, receipt signed, kept, returned
a handover already received (replay)   the first receipt, byte for byte; nothing published
fails a check                          ``PackageRefusedError`` with its reason; nothing kept
another sender's handover has its id   ``PackageRefusedError`` (``handover_id_taken``)
the broker or the document store does  ``TransientError``: the sender tries again later
not take it
=====================================  ===============================================

What is remembered is in Kafka (the component's global store, one compacted topic per
municipality that every instance holds), so any instance answers a replay. The event's id
is derived from the handover, so a second instance racing the first publishes the same id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

import structlog

from adapters.documents.port import DocumentStore
from adapters.handover.documents import stored
from adapters.handover.keys import Keyring
from adapters.handover.opening import open_package
from adapters.handover.origins import keep_origin
from adapters.handover.receipt import Receipt, sign_receipt
from contracts.documents import DocumentReference
from contracts.envelope import follow_up_id, new_event
from contracts.handover import HandoverReceived, HandoverReceivedV2
from hub.runtime.seams import Publish

__all__ = ["Receipts", "Reception", "received_event_id"]

log = structlog.get_logger(__name__)


class Receipts(Protocol):
    """Where the first receipt of each handover is kept (``GlobalStore`` fits)."""

    def get(self, municipality: str, key: str) -> bytes | None:
        """The receipt kept under ``key``."""

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Keep ``value`` under ``key``."""

    async def flush(self) -> None:
        """Wait until what was put is durable."""


def received_event_id(from_municipality: str, handover_id: str) -> str:
    """The id of the ``HandoverReceived`` of one handover: the same on every instance."""
    return follow_up_id(f"handover:{from_municipality}:{handover_id}", HandoverReceived.event_type)


class Reception:
    """Takes packages for the municipalities of ``keyring.own``."""

    def __init__(  # noqa: PLR0913 - its seams, each keyword-only but the first three
        self,
        keyring: Keyring,
        publish: Publish,
        receipts: Receipts,
        *,
        source: str,
        clock: Callable[[], dt.datetime],
        documents: DocumentStore | None = None,
    ) -> None:
        self._keyring = keyring
        self._documents = documents
        self._publish = publish
        self._receipts = receipts
        self._source = source
        self._clock = clock

    async def receive(self, package: bytes) -> bytes:
        """The receipt of ``package``; see the module's table.

        Raises:
            PackageRefusedError: a check failed; ``reason`` says which.
            TransientError: the event or the receipt was not stored; nothing is answered.

        """
        now = self._clock()
        opened = open_package(package, self._keyring, now)
        manifest = opened.manifest
        key = f"{manifest.from_municipality}:{manifest.handover_id}"
        first = self._receipts.get(manifest.to_municipality, key)
        if first is not None:
            log.info("handover_replayed", handover_id=manifest.handover_id)
            return first

        # The origin first, durable: a case system answering at once finds it, and a retry
        # after a failed publish publishes the same event (same time) again.
        # The documents before the origin, which names them: a retry finds the origin and
        # names the same ones (a failed or racing attempt may leave an unnamed copy, never a gap).
        async def store() -> tuple[DocumentReference, ...]:
            return await stored(
                manifest.documents, self._documents, municipality=manifest.to_municipality
            )

        origin = await keep_origin(self._receipts, manifest, now, store)
        received = HandoverReceivedV2(
            handover_id=manifest.handover_id,
            received_at=origin.received_at,
            documents=len(manifest.documents),
            references=origin.documents,
        )
        event_id = received_event_id(manifest.from_municipality, manifest.handover_id)
        await self._publish(
            new_event(
                received,
                source=self._source,
                municipality=manifest.to_municipality,
                case_id=manifest.case_id,
                event_id=event_id,
                correlation_id=manifest.handover_id,
                subject=f"handover/{manifest.handover_id}",
                time=origin.received_at,
            )
        )
        # The receipt last: once kept, a replay is answered with it and nothing is
        # published again, so it must not be kept before the event is on the bus.
        receipt = Receipt(
            handover_id=manifest.handover_id,
            from_municipality=manifest.from_municipality,
            to_municipality=manifest.to_municipality,
            package_sha256=opened.digest,
            received_at=origin.received_at,
            documents=len(manifest.documents),
        )
        signed = sign_receipt(receipt, self._keyring.own[manifest.to_municipality])
        self._receipts.put(manifest.to_municipality, key, signed)
        await self._receipts.flush()
        log.info(
            "handover_received",
            handover_id=manifest.handover_id,
            from_municipality=manifest.from_municipality,
            event_id=event_id,
        )
        return signed
