"""The case's documents: read through the document port into the package, stored on arrival.

The real handler and reception (as in ``test_flow.py``), each hub with its own real local
document store in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from adapters.documents import LocalDocumentStore
from adapters.handover.documents import DocumentUnreadableError, NoDocumentStoreError
from adapters.handover.keys import Keyring
from adapters.handover.memory import CaseMemory
from adapters.handover.reception import Reception
from adapters.handover.sealing import seal
from adapters.handover.standin import MemoryReceipts
from adapters.handover.wiring import build_handover
from contracts.envelope import new_event
from contracts.handover import HandoverDelivered, HandoverReceivedV2, HandoverStarted
from hub.runtime.errors import TransientError
from hub.runtime.state import Store, Task, in_task
from tests.adapters.handover.cases import RECEIVER, SENDER, manifest
from tests.adapters.handover.filed import STATEMENT, STATEMENT_SHA256, file_document, filed
from tests.adapters.handover.pki import NOW, authority
from tests.adapters.handover.test_flow import CASE, Bus, DirectTransport, case_opened
from tests.state import owned_table

CA = authority("Test OCES CA", slot=0)
SENDING = CA.identity(SENDER, slot=1)
RECEIVING = CA.identity(RECEIVER, slot=2)


def started(documents: int):
    data = HandoverStarted(
        handover_id="ho-docs-1", from_municipality=SENDER, to_municipality=RECEIVER,
        started_at=NOW, documents=documents, summary="The family moves.",
    )  # fmt: skip
    return new_event(data, source="urn:test", municipality=SENDER, case_id=CASE)


def event(data):
    return new_event(data, source="urn:test", municipality=SENDER, case_id=CASE)


class Hubs:
    """A sending handler and a receiving reception, each with its own document store."""

    def __init__(self, tmp_path, *, sender_store: bool = True) -> None:
        self.sender_store = LocalDocumentStore(tmp_path / "sender", municipalities=[SENDER])
        self.receiver_store = LocalDocumentStore(tmp_path / "receiver", municipalities=[RECEIVER])
        self.receiver_dir = tmp_path / "receiver"
        self.sender_bus, self.receiver_bus = Bus(), Bus()
        keys = Keyring(
            own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
        )
        reception = Reception(
            keys, self.receiver_bus, MemoryReceipts(), source="urn:r",
            clock=lambda: NOW + dt.timedelta(minutes=1), documents=self.receiver_store,
        )  # fmt: skip
        self.transport = DirectTransport(reception)
        self._sender_keys = Keyring(
            own={SENDER: SENDING}, peers={RECEIVER: RECEIVING.certificate}, roots=(CA.certificate,)
        )
        self._with_store = sender_store

    async def start(self):
        table = await owned_table(tasks=[Task(SENDER, 0)])
        self._handler = build_handover(
            self._sender_keys, self.transport, self.sender_bus,
            memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
            register=None, source="urn:s", clock=lambda: NOW + dt.timedelta(minutes=2),
            documents=self.sender_store if self._with_store else None,
        )  # fmt: skip
        await self.handle(case_opened())
        return self

    async def handle(self, received) -> None:
        with in_task(Task(SENDER, 0)):
            await self._handler(received)


async def test_a_filed_document_crosses_and_is_stored_at_the_receiver_with_its_hash(tmp_path):
    hubs = await Hubs(tmp_path).start()
    sent = await file_document(hubs.sender_store, SENDER)
    await hubs.handle(event(filed(sent)))
    await hubs.handle(started(documents=1))
    assert len(hubs.sender_bus.of(HandoverDelivered)) == 1
    (received,) = hubs.receiver_bus.of(HandoverReceivedV2)
    (stored,) = received.data.references
    assert received.data.documents == 1
    assert stored.document_id != sent.document_id  # the receiver's own id, its own key
    assert (stored.sha256, stored.size, stored.file_name) == (
        sent.sha256, sent.size, sent.file_name,
    )  # fmt: skip
    content = await hubs.receiver_store.get(stored, municipality=RECEIVER)
    assert hashlib.sha256(content).hexdigest() == STATEMENT_SHA256
    assert content == STATEMENT
    assert (hubs.receiver_dir / RECEIVER / stored.document_id).is_file()  # <kommunekode>/<uuid>


async def test_a_missing_document_quarantines_the_handover_naming_its_id_and_sends_nothing(
    tmp_path,
):
    hubs = await Hubs(tmp_path).start()
    sent = await file_document(hubs.sender_store, SENDER)
    (tmp_path / "sender" / SENDER / sent.document_id).unlink()
    await hubs.handle(event(filed(sent)))
    with pytest.raises(DocumentUnreadableError) as caught:
        await hubs.handle(started(documents=1))
    assert sent.document_id in str(caught.value)
    assert sent.file_name not in str(caught.value)
    assert hubs.transport.delivered == []
    assert hubs.sender_bus.events == []


async def test_an_altered_document_quarantines_the_handover(tmp_path):
    hubs = await Hubs(tmp_path).start()
    sent = await file_document(hubs.sender_store, SENDER)
    (tmp_path / "sender" / SENDER / sent.document_id).write_bytes(STATEMENT.upper())
    await hubs.handle(event(filed(sent)))
    with pytest.raises(DocumentUnreadableError, match=sent.document_id):
        await hubs.handle(started(documents=1))
    assert hubs.transport.delivered == []


async def test_a_document_not_seen_yet_makes_the_handover_wait(tmp_path):
    hubs = await Hubs(tmp_path).start()
    sent = await file_document(hubs.sender_store, SENDER)
    await hubs.handle(event(filed(sent)))
    with pytest.raises(TransientError):  # two named, one filed seen: retried, then parked
        await hubs.handle(started(documents=2))
    assert hubs.transport.delivered == []


async def test_documents_and_no_document_store_is_quarantined(tmp_path):
    hubs = await Hubs(tmp_path, sender_store=False).start()
    sent = await file_document(hubs.sender_store, SENDER)
    await hubs.handle(event(filed(sent)))
    with pytest.raises(NoDocumentStoreError):
        await hubs.handle(started(documents=1))
    assert hubs.transport.delivered == []


async def test_a_filing_without_a_reference_packs_nothing(tmp_path):
    hubs = await Hubs(tmp_path).start()
    await hubs.handle(event(filed(None)))
    await hubs.handle(started(documents=0))
    (received,) = hubs.receiver_bus.of(HandoverReceivedV2)
    assert (received.data.documents, received.data.references) == (0, ())


async def test_a_receiver_without_a_document_store_answers_retry_later_and_keeps_nothing():
    receipts, bus = MemoryReceipts(), Bus()
    keys = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
    )
    reception = Reception(keys, bus, receipts, source="urn:r", clock=lambda: NOW)
    with pytest.raises(TransientError):  # the sender retries, then parks it
        await reception.receive(seal(manifest(), SENDING, RECEIVING.certificate))
    assert bus.events == []
    assert receipts.kept == {}  # no origin: a later attempt stores the documents
