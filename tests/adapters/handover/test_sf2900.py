"""The SF2900 transport against the Serviceplatformen stand-in: SFTP, SOAP and both receipts.

A real SFTP server (asyncssh) and the DistributionService stand-in on loopback; the receiving
side is the real ``Reception``, the sending side's receipt route the real one behind the
caller check.
"""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from starlette.applications import Starlette

from adapters.handover.keys import Keyring, load_certificates, load_identity
from adapters.handover.memory import CaseMemory
from adapters.handover.port import Delivery, DeliveryRefusedError, ReceiverUnavailableError
from adapters.handover.receipt import verify_receipt
from adapters.handover.sealing import seal
from adapters.handover.settings import HandoverSettings
from adapters.handover.sf2900.ids import Material, transaction_id
from adapters.handover.sf2900.kvittering import (
    KVITTERING_PATH,
    keep_kvittering,
    kept_kvittering,
    kept_outcome,
    kvittering_route,
    mark_pending,
)
from adapters.handover.sf2900.messages import (
    Context,
    Kvittering,
    Kvitteringstype,
    Validering,
    kvittering_request,
)
from adapters.handover.sf2900.standin import Hub
from adapters.handover.sf2900.transport import Sf2900Transport
from adapters.handover.standin import MemoryReceipts, handover_standin
from adapters.handover.wiring import build_handover
from contracts.case import CaseOpened
from contracts.envelope import new_event
from contracts.handover import (
    HandoverDelivered,
    HandoverReceived,
    HandoverRefusal,
    HandoverRefused,
    HandoverStarted,
)
from hub.runtime.component import StandinContext
from hub.runtime.errors import TransientError
from hub.runtime.serve import serving
from hub.runtime.state import Store, Task, in_task
from tests.adapters.handover.cases import OTHER, RECEIVER, SENDER, manifest
from tests.adapters.handover.sf2900 import SharedLog, cvr_of, sf2900_loop
from tests.callers import signed_app, signing
from tests.people import CHILD
from tests.state import owned_table


class Bus:
    def __init__(self):
        self.events = []

    async def __call__(self, event):
        self.events.append(event)
        return "topic"

    def of(self, contract):
        return [e for e in self.events if isinstance(e.data, contract)]


def delivery(loop, handover_id="ho-sf-1", recipient=None):
    sealed = seal(
        manifest(handover_id=handover_id), loop.sending,
        recipient or loop.receiving.certificate,
    )  # fmt: skip
    return Delivery(handover_id, SENDER, RECEIVER, sealed)


def received(loop):
    return [e for e in loop.receiver.events if isinstance(e.data, HandoverReceived)]


async def test_a_package_goes_over_sftp_and_soap_and_its_receipt_comes_back(tmp_path):
    async with sf2900_loop(tmp_path) as loop:
        sent = delivery(loop)
        signed = await loop.transport.deliver(sent)
        receipt = verify_receipt(
            signed, loop.keyring, dt.datetime.now(dt.UTC), handover_id=sent.handover_id,
            receiver=RECEIVER,
        )  # fmt: skip
        transaction = transaction_id(Material.PACKAGE, SENDER, sent.handover_id)
        on_server = tmp_path / "sftp" / f"kommune{SENDER}" / f"{transaction}.package.jwe"
        assert on_server.read_bytes() == sent.package  # the same bytes as hub to hub
    assert receipt.to_municipality == RECEIVER
    assert len(received(loop)) == 1
    assert loop.platform.forwarded == [(transaction, Material.PACKAGE)]


async def test_a_replayed_distribution_is_answered_with_the_first_receipt_not_sent_again(
    tmp_path,
):
    async with sf2900_loop(tmp_path) as loop:
        first = await loop.transport.deliver(delivery(loop))
        assert isinstance(loop.receipts, MemoryReceipts)
        loop.receipts.kept.clear()  # another instance, or a retry before the receipt was kept
        resealed = delivery(loop)  # sealed again: other bytes, the same handover
        again = await loop.transport.deliver(resealed)
    assert again == first
    assert len(loop.platform.forwarded) == 1  # distributed once
    assert len(received(loop)) == 1


async def test_afvist_ends_in_a_refusal_with_the_receivers_reason(tmp_path):
    async with sf2900_loop(tmp_path) as loop:
        wrong = delivery(loop, recipient=loop.sending.certificate)  # encrypted to another key
        with pytest.raises(DeliveryRefusedError) as refused:
            await loop.transport.deliver(wrong)
        with pytest.raises(DeliveryRefusedError):  # asked again: the same outcome, kept
            await loop.transport.deliver(wrong)
    assert refused.value.reason == "wrong_recipient"
    assert received(loop) == []
    assert len(loop.platform.forwarded) == 1


async def test_sftp_down_is_transient_and_a_retry_delivers(tmp_path):
    async with sf2900_loop(tmp_path) as loop:
        loop.platform.sftp_down = True
        with pytest.raises(ReceiverUnavailableError, match="SFTP"):
            await loop.transport.deliver(delivery(loop))
        assert loop.platform.forwarded == []
        loop.platform.sftp_down = False
        await loop.transport.deliver(delivery(loop))
    assert len(received(loop)) == 1


async def test_soap_5xx_is_transient_and_a_retry_delivers(tmp_path):
    async with sf2900_loop(tmp_path) as loop:
        loop.platform.soap_down = True
        with pytest.raises(ReceiverUnavailableError, match="HTTP 503"):
            await loop.transport.deliver(delivery(loop))
        loop.platform.soap_down = False
        await loop.transport.deliver(delivery(loop))
    assert len(received(loop)) == 1


async def test_a_receiver_down_fails_the_distribution_and_a_retry_distributes_again(tmp_path):
    async with sf2900_loop(tmp_path) as loop:
        loop.receiver.set_down(on=True)
        with pytest.raises(ReceiverUnavailableError, match="fejlet"):
            await loop.transport.deliver(delivery(loop))
        loop.receiver.set_down(on=False)
        await loop.transport.deliver(delivery(loop))
    assert len(loop.platform.forwarded) == 2  # FEJLET is not an outcome that stays
    assert len(received(loop)) == 1


async def test_no_business_receipt_in_time_is_transient(tmp_path):
    async with sf2900_loop(tmp_path, receipt_wait_s=0.3) as loop:
        loop.platform.hubs.pop(SENDER)  # the receipt is never posted to the sender
        with pytest.raises(ReceiverUnavailableError, match="no business receipt"):
            await loop.transport.deliver(delivery(loop))


async def test_the_receipt_route_takes_only_a_caller_bound_to_the_senders_municipality():
    transaction = transaction_id(Material.PACKAGE, SENDER, "ho-forged")
    forged = Kvittering(Validering.AFVIST, Kvitteringstype.FORRETNING, "tampered")

    def body(sender):
        context = Context(transaction, cvr_of(sender), cvr_of(RECEIVER), "x.package.jwe")
        return kvittering_request(forged, context)

    # The route serves both municipalities, so only the caller's binding tells them apart.
    receipts = MemoryReceipts()
    served = {code: cvr_of(code) for code in (SENDER, OTHER)}
    app = Starlette(routes=[kvittering_route(receipts, served)])
    headers = {"content-type": "text/xml; charset=utf-8"}
    async with (
        serving(signed_app(app, [SENDER])) as url,
        serving(signed_app(app, [SENDER, OTHER])) as url_of_both,
    ):
        async with httpx.AsyncClient(base_url=url) as anyone:
            unsigned = await anyone.post(KVITTERING_PATH, content=body(SENDER), headers=headers)
        async with httpx.AsyncClient(base_url=url, auth=signing()) as caller:
            other = await caller.post(KVITTERING_PATH, content=body(OTHER), headers=headers)
            bound = await caller.post(KVITTERING_PATH, content=body(SENDER), headers=headers)
            with_dtd = b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "y">]>' + body(SENDER)[38:]
            unsafe = await caller.post(KVITTERING_PATH, content=with_dtd, headers=headers)
        assert list(receipts.kept) == [(SENDER, transaction)]  # OTHER's not kept
        async with httpx.AsyncClient(base_url=url_of_both, auth=signing()) as bound_to_both:
            for_other = await bound_to_both.post(
                KVITTERING_PATH, content=body(OTHER), headers=headers
            )
    assert unsigned.status_code == httpx.codes.UNAUTHORIZED
    assert other.status_code == httpx.codes.FORBIDDEN  # served, but not the caller's
    assert bound.status_code == httpx.codes.OK
    assert unsafe.status_code == httpx.codes.BAD_REQUEST  # the hardened parser refuses a DTD
    assert for_other.status_code == httpx.codes.OK  # the same body from a caller bound to OTHER
    assert sorted(receipts.kept) == sorted([(SENDER, transaction), (OTHER, transaction)])


async def test_the_receipt_route_stops_reading_a_body_past_its_cap():
    app = Starlette(routes=[kvittering_route(MemoryReceipts(), {SENDER: cvr_of(SENDER)})])
    chunk, offered = b"x" * 64 * 1024, 4 * 1024 * 1024
    served = 0
    sent = []

    async def receive():
        nonlocal served
        served += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": served < offered}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": KVITTERING_PATH, "raw_path": KVITTERING_PATH.encode(),
        "root_path": "", "query_string": b"", "headers": [(b"content-type", b"text/xml")],
        "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000),
    }  # fmt: skip
    await app(scope, receive, send)
    assert sent[0]["status"] == httpx.codes.REQUEST_ENTITY_TOO_LARGE
    assert served <= 256 * 1024 + len(chunk)  # stopped at the cap, not read to the end


async def test_a_retry_on_a_lagging_instance_never_overwrites_the_outcome_another_stored(
    tmp_path,
):
    # Two instances share the global table: A delivers, B takes Serviceplatformen's receipts.
    shared = SharedLog()
    route = shared.view()
    async with sf2900_loop(tmp_path, receipts=shared.view(), route_receipts=route) as loop:
        sent = delivery(loop)
        first = await loop.transport.deliver(sent)  # on A; B kept ACCEPTERET
        route.follows = False  # B reads no further: a receipt posted again finds its outcome
        # C, whose tail has not read B's outcome yet, tries the same delivery again
        # (a lost commit): it marks its try pending and waits, in vain.
        settings = loop.settings.model_copy(update={"receipt_wait_s": 0.3})
        lagging = Sf2900Transport(
            settings, settings.endpoint.http_client(), shared.view(follows=False)
        )
        try:
            with pytest.raises(ReceiverUnavailableError, match="no business receipt"):
                await lagging.deliver(sent)
        finally:
            await lagging.aclose()
        again = await loop.transport.deliver(sent)  # A, after C's marker: the kept outcome
    transaction = transaction_id(Material.PACKAGE, SENDER, sent.handover_id)
    outcome = json.loads(shared.last(SENDER, transaction) or b"null")
    assert outcome["code"] == Validering.ACCEPTERET.value  # what a new instance reads
    assert outcome["reason"].encode() == first
    assert again == first
    assert loop.platform.forwarded == [(transaction, Material.PACKAGE)]  # distributed once


async def test_a_second_final_receipt_never_replaces_the_first():
    receipts = MemoryReceipts()
    accepted = Kvittering(Validering.ACCEPTERET, Kvitteringstype.FORRETNING, "signed receipt")
    await keep_kvittering(receipts, SENDER, "t-1", accepted)
    for later in (
        Kvittering(Validering.AFVIST, Kvitteringstype.FORRETNING, "tampered"),
        Kvittering(Validering.FEJLET, Kvitteringstype.FORRETNING, None),
    ):
        await keep_kvittering(receipts, SENDER, "t-1", later)
    await mark_pending(receipts, SENDER, "t-1")  # a retry's marker
    assert kept_outcome(receipts, SENDER, "t-1") == accepted
    assert kept_kvittering(receipts, SENDER, "t-1") == accepted


def sending_handler(loop, bus, table, *, to_certificate=None):
    """The sending component's handler over SF2900 (``to_certificate``: whom it encrypts to)."""
    keyring = Keyring(
        own={SENDER: loop.sending},
        peers={RECEIVER: to_certificate or loop.receiving.certificate},
        roots=loop.keyring.roots,
    )
    handler = build_handover(
        keyring, loop.transport, bus,
        memory=CaseMemory(Store(table, "cases")), handovers=Store(table, "handovers"),
        register=None, source="urn:s", clock=lambda: dt.datetime.now(dt.UTC),
    )  # fmt: skip

    async def handle(event):
        with in_task(Task(SENDER, 0)):
            await handler(event)

    return handle


def case_events(handover_id):
    opened = CaseOpened.model_validate_json(
        f'{{"opened_at": "2026-05-01T10:00:00+00:00", "child_cpr": "{CHILD}",'
        ' "sub_process": "clarification", "kle": "27.24.00"}'
    )
    started = HandoverStarted(
        handover_id=handover_id, from_municipality=SENDER, to_municipality=RECEIVER,
        started_at=dt.datetime.now(dt.UTC), documents=0, summary="The family moves.",
    )  # fmt: skip
    return [
        new_event(data, source="urn:test", municipality=SENDER, case_id="C-sf-1")
        for data in (opened, started)
    ]


async def test_at_the_component_afvist_is_handover_refused_and_an_outage_is_transient(tmp_path):
    table = await owned_table(tasks=[Task(SENDER, 0)])
    bus = Bus()
    async with sf2900_loop(tmp_path) as loop:
        # Encrypted to the sender's own certificate: the receiver refuses it (AFVIST).
        refusing = sending_handler(loop, bus, table, to_certificate=loop.sending.certificate)
        opened, started = case_events("ho-sf-refused")
        await refusing(opened)
        await refusing(started)
        # Another handover while SFTP is down: transient, so the delivery policy retries it
        # (and parks it in quarantine when its retries run out); nothing is published.
        handle = sending_handler(loop, bus, table)
        _, started = case_events("ho-sf-down")  # the same case, seen already
        loop.platform.sftp_down = True
        with pytest.raises(TransientError):
            await handle(started)
        loop.platform.sftp_down = False
        await handle(started)  # the retry
    (refused,) = bus.of(HandoverRefused)
    assert refused.data.refusal is HandoverRefusal.WRONG_RECIPIENT
    (delivered,) = bus.of(HandoverDelivered)
    assert delivered.data.handover_id == "ho-sf-down"
    assert len(received(loop)) == 1


async def test_casehub_standins_serves_sf2900_in_front_of_the_other_municipalities_reception():
    async with handover_standin(StandinContext(municipalities=(SENDER,))) as running:
        reception, settings = running.service, running.settings
        assert isinstance(settings, HandoverSettings)
        platform = reception.sf2900
        own = settings.own[SENDER]
        sending = load_identity(SENDER, own.certificate_file, own.key_file)
        receiving = load_certificates(settings.peers[RECEIVER].certificate_file)[0]
        receipts = MemoryReceipts()
        sender_app = Starlette(routes=[kvittering_route(receipts, {SENDER: cvr_of(SENDER)})])
        async with serving(signed_app(sender_app, [SENDER])) as sender_url:
            platform.standin.hubs[SENDER] = Hub(sender_url, auth=signing())  # not :8080
            transport = Sf2900Transport(
                platform.settings, platform.settings.endpoint.http_client(), receipts
            )
            try:
                package = seal(manifest(handover_id="ho-standins"), sending, receiving)
                await transport.deliver(Delivery("ho-standins", SENDER, RECEIVER, package))
            finally:
                await transport.aclose()
    assert "SF2900" in running.label
    assert platform.caller_secret_file.name == "serviceplatformen.secret"
    assert [e.data.handover_id for e in reception.events] == ["ho-standins"]
