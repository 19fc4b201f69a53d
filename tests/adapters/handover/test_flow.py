"""The sender's handler and the receiver's reception, joined by an in-memory transport.

The real handler (``build_handover``) on a state table, the real ``Reception`` with receipts
in memory; the transport hands the package straight to the reception, and can be switched
down. The same pieces run on two real brokers in ``test_two_hubs_kafka.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest

from adapters.documents import LocalDocumentStore
from adapters.handover.answers import AnswerDesk
from adapters.handover.keys import Keyring
from adapters.handover.memory import CaseMemory
from adapters.handover.origins import origin_of
from adapters.handover.port import Delivery, DeliveryRefusedError, ReceiverUnavailableError
from adapters.handover.reception import Reception
from adapters.handover.refusal import PackageRefusedError
from adapters.handover.sealing import seal
from adapters.handover.standin import MemoryReceipts
from adapters.handover.wiring import build_handover
from contracts.case import CaseOpened
from contracts.cpr import Cpr
from contracts.deadlines import DeadlineMetV2, DeadlineSetV2
from contracts.envelope import new_event
from contracts.handover import (
    DeadlinesTakenOver,
    HandoverAccepted,
    HandoverAnswered,
    HandoverDelivered,
    HandoverReceived,
    HandoverRefused,
    HandoverRejected,
    HandoverRejection,
    HandoverStarted,
)
from hub.runtime.errors import PermanentError, TransientError
from hub.runtime.state import Store, Task, in_task
from tests.adapters.handover.cases import DOCUMENT, OTHER, RECEIVER, SENDER, manifest
from tests.adapters.handover.pki import NOW, authority
from tests.people import CHILD
from tests.state import owned_table

CA = authority("Test OCES CA", slot=0)
SENDING = CA.identity(SENDER, slot=1)
RECEIVING = CA.identity(RECEIVER, slot=2)
CASE = "C-flow-1"


class DirectTransport:
    """The package handed to the reception as it is; ``down`` answers as an outage."""

    def __init__(self, reception: Reception) -> None:
        self.reception = reception
        self.down = False
        self.delivered: list[Delivery] = []
        self.desk: AnswerDesk | None = None
        self.answers: list[tuple[str, bytes]] = []

    async def deliver(self, delivery: Delivery) -> bytes:
        if self.down:
            raise ReceiverUnavailableError("handover delivery: unavailable (HTTP 503)")
        self.delivered.append(delivery)
        try:
            return await self.reception.receive(delivery.package)
        except PackageRefusedError as exc:
            raise DeliveryRefusedError(exc.reason.value) from None

    async def answer(self, to_municipality: str, answer: bytes) -> None:
        self.answers.append((to_municipality, answer))
        if self.desk is not None:
            await self.desk.take(answer)


class Bus:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event) -> str:
        self.events.append(event)
        return "topic"

    def of(self, contract):
        return [e for e in self.events if isinstance(e.data, contract)]


def case_opened():
    """The sending case's CaseOpened: what names the child in the package."""
    opened = CaseOpened.model_validate_json(
        f'{{"opened_at": "2026-05-01T10:00:00+00:00", "child_cpr": "{CHILD}",'
        ' "sub_process": "clarification", "kle": "27.24.00"}'
    )
    return new_event(opened, source="urn:test", municipality=SENDER, case_id=CASE)


def started(to: str = RECEIVER, handover_id: str = "ho-flow-1"):
    data = HandoverStarted(
        handover_id=handover_id, from_municipality=SENDER, to_municipality=to,
        started_at=NOW, documents=0, summary="The family moves.",
    )  # fmt: skip
    return new_event(data, source="urn:test", municipality=SENDER, case_id=CASE)


def deadline(contract, **extra):
    data = contract.model_validate_json(
        '{"deadline_id": "d-1", "rule_id": "measure-follow-up", "trigger_event_id": "e-1",'
        ' "due_at": "2026-09-01T10:00:00+00:00", "escalate_at": "2026-08-25T10:00:00+00:00",'
        ' "legal_basis": {"law": "BL", "paragraph": "95"}' + extra.get("more", "") + "}"
    )
    return new_event(data, source="urn:test", municipality=SENDER, case_id=CASE)


@pytest.fixture
async def hubs():
    table = await owned_table(tasks=[Task(SENDER, 0)])
    sender_bus, receiver_bus = Bus(), Bus()
    receiver_keys = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
    )
    reception = Reception(
        receiver_keys,
        receiver_bus,
        MemoryReceipts(),
        source="urn:r",
        clock=lambda: NOW + dt.timedelta(minutes=1),
    )
    transport = DirectTransport(reception)
    sender_keys = Keyring(
        own={SENDER: SENDING}, peers={RECEIVER: RECEIVING.certificate}, roots=(CA.certificate,)
    )
    handler = build_handover(
        sender_keys, transport, sender_bus,
        memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
        register=None, source="urn:s", clock=lambda: NOW + dt.timedelta(minutes=2),
    )  # fmt: skip

    async def handle(event):
        with in_task(Task(SENDER, 0)):
            await handler(event)

    return (
        handle,
        transport,
        sender_bus,
        receiver_bus,
        case_opened(),
    )


async def test_started_is_delivered_received_and_receipted(hubs):
    handle, transport, sender_bus, receiver_bus, opened = hubs
    await handle(opened)
    await handle(deadline(DeadlineSetV2))
    await handle(started())
    (received,) = receiver_bus.of(HandoverReceived)
    (delivered,) = sender_bus.of(HandoverDelivered)
    assert received.data.handover_id == delivered.data.handover_id == "ho-flow-1"
    assert received.envelope.municipality == RECEIVER
    assert delivered.data.to_municipality == RECEIVER
    assert delivered.data.package_sha256 == _digest(transport.delivered[0].package)
    manifest = _opened(transport.delivered[0].package).manifest
    assert manifest.parties[0].cpr == Cpr(CHILD)
    assert [d.deadline_id for d in manifest.deadlines] == ["d-1"]  # the open deadline goes


async def test_a_met_deadline_is_not_handed_over(hubs):
    handle, transport, _, _, opened = hubs
    await handle(opened)
    await handle(deadline(DeadlineSetV2))
    await handle(
        deadline(
            DeadlineMetV2, more=', "met_at": "2026-07-01T10:00:00+00:00", "met_by_event_id": "e-2"'
        )
    )
    await handle(started())
    assert _opened(transport.delivered[0].package).manifest.deadlines == ()


async def test_a_redelivered_started_is_answered_from_the_store_not_sent_again(hubs):
    handle, transport, sender_bus, receiver_bus, opened = hubs
    await handle(opened)
    event = started()
    await handle(event)
    await handle(event)  # redelivered after a lost commit
    assert len(transport.delivered) == 1
    first, second = sender_bus.of(HandoverDelivered)
    assert first.envelope.id == second.envelope.id  # the same follow-up, recognisable
    assert len(receiver_bus.of(HandoverReceived)) == 1


async def test_a_replayed_package_is_answered_with_the_first_receipt(hubs):
    handle, transport, _, receiver_bus, opened = hubs
    await handle(opened)
    await handle(started())
    package = transport.delivered[0].package
    first = await transport.reception.receive(package)
    again = await transport.reception.receive(package)
    assert first == again
    assert len(receiver_bus.of(HandoverReceived)) == 1


async def test_the_receiver_down_is_transient_and_nothing_is_remembered(hubs):
    handle, transport, sender_bus, _, opened = hubs
    await handle(opened)
    transport.down = True
    with pytest.raises(TransientError):
        await handle(started())
    assert sender_bus.events == []
    transport.down = False
    await handle(started())  # the delivery policy's retry
    assert len(sender_bus.of(HandoverDelivered)) == 1


async def test_a_refused_package_ends_in_handover_refused_with_its_reason(hubs):
    handle, transport, sender_bus, receiver_bus, opened = hubs
    await handle(opened)
    # The receiver trusts another CA: our certificate is unknown to it.
    transport.reception._keyring = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate},
        roots=(authority("Other CA", slot=3).certificate,),
    )  # fmt: skip
    await handle(started())
    (refused,) = sender_bus.of(HandoverRefused)
    assert refused.data.refusal.value == "unknown_ca"
    assert receiver_bus.events == []


async def test_before_the_case_is_seen_the_handover_waits(hubs):
    handle, transport, _, _, _ = hubs
    with pytest.raises(TransientError):
        await handle(started())
    assert transport.delivered == []


async def test_a_handover_to_an_unknown_municipality_is_quarantined(hubs):
    handle, transport, _, _, opened = hubs
    await handle(opened)
    with pytest.raises(PermanentError):
        await handle(started(to=OTHER))
    assert transport.delivered == []


def _digest(package):
    from adapters.handover.opening import package_digest

    return package_digest(package)


def _opened(package):
    from adapters.handover.opening import open_package

    keys = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
    )
    return open_package(package, keys, NOW)


def receiving_hub(transport, receiver_bus):
    receiver_keys = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
    )

    async def receiving(event):
        table = await owned_table(tasks=[Task(RECEIVER, 0)])
        handler = build_handover(
            receiver_keys, transport, receiver_bus,
            memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
            register=None, source="urn:r", clock=lambda: NOW,
            received=transport.reception._receipts,
        )  # fmt: skip
        with in_task(Task(RECEIVER, 0)):
            await handler(event)

    return receiving


async def test_the_receivers_acceptance_reaches_the_sender_signed(hubs):
    handle, transport, sender_bus, receiver_bus, opened = hubs
    await handle(opened)
    await handle(deadline(DeadlineSetV2))
    await handle(started())
    sender_keys = Keyring(
        own={SENDER: SENDING}, peers={RECEIVER: RECEIVING.certificate}, roots=(CA.certificate,)
    )
    transport.desk = AnswerDesk(sender_keys, sender_bus, source="urn:s", clock=lambda: NOW)
    receiving = receiving_hub(transport, receiver_bus)
    accepted = HandoverAccepted(handover_id="ho-flow-1", accepted_at=NOW, new_case_id="N-9")
    await receiving(new_event(accepted, source="urn:cs", municipality=RECEIVER, case_id="N-9"))
    (answered,) = sender_bus.of(HandoverAnswered)
    assert answered.data.accepted
    assert answered.data.new_case_id == "N-9"
    assert (answered.envelope.municipality, answered.envelope.caseid) == (SENDER, CASE)
    assert [to for to, _ in transport.answers] == [SENDER]
    # The receiver's clock is told the package's open deadline, for its own case.
    (taken,) = receiver_bus.of(DeadlinesTakenOver)
    assert (taken.envelope.municipality, taken.envelope.caseid) == (RECEIVER, "N-9")
    assert taken.data.from_municipality == SENDER
    assert [(d.deadline_id, d.due_at) for d in taken.data.deadlines] == [
        ("d-1", dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC))
    ]


async def test_a_rejection_takes_no_deadline_over(hubs):
    handle, transport, _sender_bus, receiver_bus, opened = hubs
    await handle(opened)
    await handle(deadline(DeadlineSetV2))
    await handle(started())
    rejected = HandoverRejected(
        handover_id="ho-flow-1", rejected_at=NOW, rejection=HandoverRejection.NOT_RESIDENT
    )
    await receiving_hub(transport, receiver_bus)(
        new_event(rejected, source="urn:cs", municipality=RECEIVER, case_id="N-9")
    )
    assert receiver_bus.of(DeadlinesTakenOver) == []
    assert [to for to, _ in transport.answers] == [SENDER]


async def test_an_answer_whose_origin_is_not_read_is_retried_not_dropped(hubs):
    _handle, transport, _sender_bus, receiver_bus, _opened = hubs
    other = HandoverAccepted(handover_id="ho-unknown", accepted_at=NOW, new_case_id="N-8")
    with pytest.raises(TransientError):
        await receiving_hub(transport, receiver_bus)(
            new_event(other, source="urn:cs", municipality=RECEIVER, case_id="N-8")
        )
    assert transport.answers == []
    assert receiver_bus.events == []


async def test_another_senders_handover_with_a_taken_id_is_refused(tmp_path):
    receipts = MemoryReceipts()
    bus = Bus()
    third = CA.identity(OTHER, slot=5)
    keys = Keyring(
        own={RECEIVER: RECEIVING},
        peers={SENDER: SENDING.certificate, OTHER: third.certificate},
        roots=(CA.certificate,),
    )
    store = LocalDocumentStore(tmp_path, municipalities=[RECEIVER])
    reception = Reception(keys, bus, receipts, source="urn:r", clock=lambda: NOW, documents=store)
    await reception.receive(seal(manifest(handover_id="ho-same"), SENDING, RECEIVING.certificate))
    clash = manifest(handover_id="ho-same").model_copy(update={"from_municipality": OTHER})
    with pytest.raises(PackageRefusedError) as caught:
        await reception.receive(seal(clash, third, RECEIVING.certificate))
    assert caught.value.reason.value == "handover_id_taken"
    assert len(bus.of(HandoverReceived)) == 1
    assert origin_of(receipts, RECEIVER, "ho-same").from_municipality == SENDER


async def test_the_origin_is_kept_before_the_event_and_the_receipt_after_it(tmp_path):
    receipts = MemoryReceipts()
    keys = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
    )
    times = iter([NOW, NOW + dt.timedelta(minutes=5)])
    published: list[Any] = []

    async def broker_down_once(event) -> str:
        if not published:
            published.append(None)  # the first attempt: the broker does not take it
            # The origin is already there for a case system answering at once.
            assert origin_of(receipts, RECEIVER, "ho-1").case_id == "case-42"
            raise TransientError("broker down")
        published.append(event)
        return "topic"

    store = LocalDocumentStore(tmp_path, municipalities=[RECEIVER])
    reception = Reception(
        keys, broker_down_once, receipts, source="urn:r", clock=lambda: next(times),
        documents=store,
    )  # fmt: skip
    package = seal(manifest(), SENDING, RECEIVING.certificate)
    with pytest.raises(TransientError):
        await reception.receive(package)
    assert receipts.get(RECEIVER, f"{SENDER}:ho-1") is None  # no receipt: a retry publishes
    await reception.receive(package)
    (event,) = published[1:]
    assert event.data.received_at == NOW  # the first attempt's time, from the origin
    # The package's document stored once, before the origin: the retry names the same one.
    (stored,) = event.data.references
    assert [path.name for path in (tmp_path / RECEIVER).iterdir()] == [stored.document_id]
    assert await store.get(stored, municipality=RECEIVER) == DOCUMENT


async def test_an_answer_signed_by_someone_else_is_refused():
    from adapters.handover.answer import Answer, sign_answer

    impostor = CA.identity(RECEIVER, slot=4)  # a valid certificate, not the receiver's pinned one
    signed = sign_answer(
        Answer(handover_id="ho-x", from_municipality=RECEIVER, to_municipality=SENDER,
               case_id=CASE, answered_at=NOW, accepted=True),
        impostor,
    )  # fmt: skip
    bus = Bus()
    desk = AnswerDesk(
        Keyring(own={SENDER: SENDING}, peers={RECEIVER: RECEIVING.certificate},
                roots=(CA.certificate,)),
        bus, source="urn:s", clock=lambda: NOW,
    )  # fmt: skip
    with pytest.raises(PackageRefusedError) as caught:
        await desk.take(signed)
    assert caught.value.reason.value == "unknown_sender"
    assert bus.events == []


async def test_the_parties_lookup_is_audited_before_the_register_is_asked():
    from adapters.cpr.port import PersonNotFoundError
    from contracts.operations import AuditRecorded
    from hub.runtime.audit import Auditor

    order: list[str] = []
    bus = Bus()

    async def publish(event):
        order.append(type(event.data).__name__)
        return await bus(event)

    class Register:
        async def lookup(self, cpr, *, municipality):  # noqa: ARG002 - the port's shape
            order.append("lookup")
            raise PersonNotFoundError("cpr: person not found")

    table = await owned_table(tasks=[Task(SENDER, 0)])
    keys = Keyring(
        own={SENDER: SENDING}, peers={RECEIVER: RECEIVING.certificate}, roots=(CA.certificate,)
    )
    unreached = DirectTransport(cast("Reception", None))  # the lookup fails before delivery
    with pytest.raises(ValueError, match="auditor"):
        build_handover(
            keys, unreached, publish,
            memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
            register=Register(), source="urn:s", clock=lambda: NOW,
        )  # fmt: skip
    handler = build_handover(
        keys, unreached, publish,
        memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
        register=Register(), source="urn:s", clock=lambda: NOW,
        auditor=Auditor(publish, principal="component:handover:test", source="urn:s"),
    )  # fmt: skip
    with in_task(Task(SENDER, 0)):
        await handler(case_opened())
        with pytest.raises(PersonNotFoundError):
            await handler(started())
    assert order == ["AuditRecorded", "lookup"]
    (audit,) = bus.of(AuditRecorded)
    assert CHILD not in audit.model_dump_json()


@pytest.mark.parametrize("declared", [True, False])
async def test_an_answer_over_the_limit_is_413_before_it_is_read_whole(declared):
    import httpx
    from starlette.applications import Starlette

    from adapters.handover.route import answers_route

    class Desk:
        def __init__(self):
            self.taken: list[bytes] = []

        async def take(self, body):
            self.taken.append(body)

    desk = Desk()
    app = Starlette(routes=[answers_route(cast("AnswerDesk", desk), max_bytes=10)])

    async def chunks():
        for _ in range(5):
            yield b"x" * 4

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://peer") as http:
        body = b"x" * 20 if declared else chunks()
        answer = await http.post("/handover/answers", content=body)
    assert answer.status_code == 413
    assert desk.taken == []


async def test_an_answer_must_answer_a_handover_sent_to_its_signer_for_its_case():
    from adapters.handover.answer import Answer, sign_answer

    table = await owned_table(tasks=[Task(SENDER, 0)])
    sent = MemoryReceipts()
    receiver_keys = Keyring(
        own={RECEIVER: RECEIVING}, peers={SENDER: SENDING.certificate}, roots=(CA.certificate,)
    )
    reception = Reception(receiver_keys, Bus(), MemoryReceipts(), source="urn:r", clock=lambda: NOW)
    sender_keys = Keyring(
        own={SENDER: SENDING}, peers={RECEIVER: RECEIVING.certificate}, roots=(CA.certificate,)
    )
    handler = build_handover(
        sender_keys, DirectTransport(reception), Bus(),
        memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
        register=None, source="urn:s", clock=lambda: NOW, sent=sent,
    )  # fmt: skip
    with in_task(Task(SENDER, 0)):
        await handler(case_opened())
        await handler(started())  # delivered to RECEIVER for CASE: kept in ``sent`` first
    bus = Bus()
    desk = AnswerDesk(sender_keys, bus, source="urn:s", clock=lambda: NOW, sent=sent)

    def signed(handover_id, case_id):
        answer = Answer(
            handover_id=handover_id,
            from_municipality=RECEIVER,
            to_municipality=SENDER,
            case_id=case_id,
            answered_at=NOW,
            accepted=True,
        )
        return sign_answer(answer, RECEIVING)  # fmt: skip

    with pytest.raises(PackageRefusedError) as caught:
        await desk.take(signed("ho-flow-1", "C-another"))  # our handover, another of our cases
    assert caught.value.reason.value == "not_sent"
    with pytest.raises(TransientError):
        await desk.take(signed("ho-never", CASE))  # not (yet) read as sent: send it again
    assert bus.events == []
    await desk.take(signed("ho-flow-1", CASE))
    (answered,) = bus.of(HandoverAnswered)
    assert (answered.envelope.municipality, answered.envelope.caseid) == (SENDER, CASE)
