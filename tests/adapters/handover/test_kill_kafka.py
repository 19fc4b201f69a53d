"""kill -9 of either hub mid-handover: nothing lost, the package delivered once.

The sending hub runs as its own process (``casehub run``, settings from ``CASEHUB_*``) on the
session's broker; the receiving municipality is the handover stand-in (its real reception,
receipts kept). The stand-in takes the package and keeps the receipt, then holds its answer;
while it holds, the hub is killed with SIGKILL (between the publish of ``HandoverStarted`` and
the receipt reaching the sender). Restarted, the hub reads ``HandoverStarted`` again (its
offset was never committed) and delivers again; the reception recognises the replay and
answers with the first receipt: one ``HandoverReceived`` there, one ``HandoverDelivered`` here.

The receiving hub the same way: killed while its answer to an acceptance is on its way to the
sender (held there), restarted, it handles the acceptance again: the same takeover (one event
id, each deadline set once) and the same answer (one ``HandoverAnswered`` id at the sender).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import uuid

import pytest
from starlette.applications import Starlette

from adapters.handover import HandoverSettings, IdentityFiles, PeerSettings
from adapters.handover.answers import AnswerDesk
from adapters.handover.demopki import DemoCa, write_identity
from adapters.handover.direct import HttpTransport
from adapters.handover.keys import Keyring
from adapters.handover.manifest import OpenDeadline
from adapters.handover.port import Delivery
from adapters.handover.route import answers_route
from adapters.handover.sealing import seal
from adapters.handover.standin import HandoverStandin
from contracts.base import Contract
from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened
from contracts.deadlines import DeadlineSetV2
from contracts.envelope import Event, new_event
from contracts.handover import (
    DeadlinesTakenOver,
    HandoverAccepted,
    HandoverDelivered,
    HandoverReceived,
    HandoverStarted,
)
from contracts.legal import Act, ActBasis
from hub.compose.app import group_of
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.topics import topic, topic_for
from tests.adapters.handover.cases import manifest
from tests.kafka import produce, read_topic, wait_for_records, wait_until_consumed
from tests.people import CHILD

pytestmark = pytest.mark.kafka


class HeldAnswers:
    """An ASGI app in front of the reception: it answers only once ``release`` is set.

    The reception has done its work (receipt kept) when its answer starts: ``arrived``.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()
        self.posts = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.posts += 1

        async def held(message) -> None:
            if message["type"] == "http.response.start":
                self.arrived.set()
                await self.release.wait()
            await send(message)

        await self.app(scope, receive, held)


def hub_env(settings, tmp_path, handover):
    """The ``CASEHUB_*`` variables of a hub for ``settings``' municipality, handing over."""
    return {
        **os.environ,
        **settings.kafka.environment(),
        "CASEHUB_MUNICIPALITIES": json.dumps(list(settings.municipalities)),
        "CASEHUB_GROUP_PREFIX": settings.group_prefix,
        "CASEHUB_STATE_DIR": str(tmp_path / "state"),
        "CASEHUB_HTTP_PORT": "0",
        "CASEHUB_RETRY_BASE_S": "0.2",
        "CASEHUB_RETRY_MAX_S": "1",
        "CASEHUB_HANDOVER": handover.model_dump_json(),
    }


def taken_of(case_id):
    def match(record) -> bool:
        event = from_kafka(record.headers, record.value)
        return (
            isinstance(event.data, DeadlineSetV2)
            and event.envelope.caseid == case_id
            and event.data.rule_id == "notification-acute-assessment"
        )

    return match


def hub_process(env, log):
    """``casehub run`` as its own process, and the thread copying its log; once it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hub.cli.main", "run"], env=env, stdout=log, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    for line in process.stderr:  # "casehub intake on <url>" once every component started
        log.write(line)
        if b"casehub intake on" in line:
            # Keep draining it, so a full pipe never blocks the hub.
            drain = threading.Thread(target=_copy, args=(process.stderr, log), daemon=True)
            drain.start()
            return process, drain, line.decode().split("casehub intake on ")[1].strip()
    msg = "the hub process did not start"
    raise AssertionError(msg)


def _copy(source, log) -> None:
    for line in source:
        log.write(line)


def stop(running) -> None:
    process, drain, _url = running
    process.kill()
    process.wait(timeout=10)
    drain.join(timeout=10)  # the pipe's end: the process is gone
    process.stderr.close()


async def send(kafka, event) -> None:
    record = to_kafka(event)
    await produce(kafka, topic_for(event), record.value, key=record.key, headers=record.headers)


def delivered_of(handover_id):
    def match(record) -> bool:
        event = from_kafka(record.headers, record.value)
        return isinstance(event.data, HandoverDelivered) and event.data.handover_id == handover_id

    return match


def one_peer(own, own_files, peer, peer_certificate, peer_url, ca_file) -> HandoverSettings:  # noqa: PLR0913, PLR0917
    """A hub handing over for ``own`` with ``peer`` pinned and reached at ``peer_url``."""
    return HandoverSettings(
        own={own: IdentityFiles(certificate_file=own_files[0], key_file=own_files[1])},
        peers={
            peer: PeerSettings(
                certificate_file=peer_certificate,
                endpoint=EndpointSettings(base_url=peer_url, timeout_s=30.0),
            )
        },
        trusted_cas=(ca_file,),
    )


async def test_kill_9_of_the_sender_between_publish_and_receipt_delivers_once(
    hub_settings, fresh_municipality, tmp_path
):
    sender, receiver = hub_settings.municipalities[0], fresh_municipality()
    ca = DemoCa(dt.datetime.now(dt.UTC))
    sending, receiving = ca.identity(sender), ca.identity(receiver)
    ca_file = ca.write(tmp_path)
    sender_files = write_identity(sending, tmp_path / "sender")
    receiver_certificate, _ = write_identity(receiving, tmp_path / "receiver")
    standin = HandoverStandin(
        Keyring(own={receiver: receiving}, peers={sender: sending.certificate},
                roots=(ca.certificate,))
    )  # fmt: skip
    gate = HeldAnswers(standin.asgi())
    case_id, handover_id = f"C-{uuid.uuid4().hex[:8]}", f"ho-{uuid.uuid4().hex[:8]}"
    opened = CaseOpened.model_validate_json(
        f'{{"opened_at": "2026-05-01T10:00:00+00:00", "child_cpr": "{CHILD}",'
        ' "sub_process": "measures_and_follow_up", "kle": "27.24.00"}'
    )
    started = HandoverStarted(
        handover_id=handover_id, from_municipality=sender, to_municipality=receiver,
        started_at=dt.datetime.now(dt.UTC), documents=0, summary="The family moves.",
    )  # fmt: skip
    async with serving(gate) as url:
        handover = one_peer(sender, sender_files, receiver, receiver_certificate, url, ca_file)
        # The clock is not what this test is about.
        env = {**hub_env(hub_settings, tmp_path, handover), "CASEHUB_DEADLINES": "false"}
        with (tmp_path / "hub.log").open("wb") as log:
            first = await asyncio.to_thread(hub_process, env, log)
            try:
                # The hub creates its topics at start: the case system writes after.
                for data in (opened, started):
                    event = new_event(data, source="urn:test:case-system",
                                      municipality=sender, case_id=case_id)  # fmt: skip
                    await send(hub_settings.kafka, event)
                await asyncio.wait_for(gate.arrived.wait(), timeout=90)
                first[0].send_signal(signal.SIGKILL)  # the receipt kept there, not yet here
                await asyncio.to_thread(first[0].wait, 10)
            finally:
                stop(first)
            gate.release.set()
            restarted = await asyncio.to_thread(hub_process, env, log)
            try:
                await wait_for_records(
                    hub_settings.kafka, topic("handover", sender), delivered_of(handover_id),
                    within=90,
                )  # fmt: skip
                await wait_until_consumed(
                    hub_settings.kafka, group_of(hub_settings, "handover"),
                    [topic("handover", sender)], within=60,
                )  # fmt: skip
            finally:
                stop(restarted)
    records = await read_topic(hub_settings.kafka, topic("handover", sender))
    delivered = [r for r in records if delivered_of(handover_id)(r)]
    assert len(delivered) == 1  # the sender ends with exactly one HandoverDelivered
    assert gate.posts == 2  # delivered again after the restart: a replay
    received = [e.data for e in standin.events if isinstance(e.data, HandoverReceived)]
    assert len(received) == 1  # received once: the replay got the first receipt
    outcome = from_kafka(delivered[0].headers, delivered[0].value).data
    assert isinstance(outcome, HandoverDelivered)
    assert outcome.received_at == received[0].received_at  # the first receipt's time


def _manifest(sender, receiver, handover_id, due):
    taken = OpenDeadline(
        deadline_id="d-sender-1", rule_id="notification-acute-assessment",
        due_at=due, escalate_at=due - dt.timedelta(hours=6),
        legal_basis=ActBasis(law=Act.BL, paragraph="136"),
    )  # fmt: skip
    return manifest(handover_id=handover_id).model_copy(
        update={"from_municipality": sender, "to_municipality": receiver, "deadlines": (taken,)}
    )


async def test_kill_9_of_the_receiver_between_acceptance_and_answer_answers_once(  # noqa: PLR0915 - one flow, in order
    hub_settings, fresh_municipality, tmp_path
):
    receiver, sender = hub_settings.municipalities[0], fresh_municipality()
    now = dt.datetime.now(dt.UTC)
    ca = DemoCa(now)
    sending, receiving = ca.identity(sender), ca.identity(receiver)
    ca_file = ca.write(tmp_path)
    receiver_files = write_identity(receiving, tmp_path / "receiver")
    sender_certificate, _ = write_identity(sending, tmp_path / "sender")
    answered: list[Event[Contract]] = []

    async def sender_bus(event) -> str:
        answered.append(event)
        return "sender"

    desk = AnswerDesk(
        Keyring(own={sender: sending}, peers={receiver: receiving.certificate},
                roots=(ca.certificate,)),
        sender_bus, source="urn:test:sender", clock=lambda: dt.datetime.now(dt.UTC),
    )  # fmt: skip
    gate = HeldAnswers(Starlette(routes=[answers_route(desk)]))
    handover_id, new_case = f"ho-{uuid.uuid4().hex[:8]}", f"N-{uuid.uuid4().hex[:8]}"
    async with serving(gate) as sender_url:
        handover = one_peer(
            receiver, receiver_files, sender, sender_certificate, sender_url, ca_file
        )
        env = {**hub_env(hub_settings, tmp_path, handover), "CASEHUB_DEADLINES": "true"}
        with (tmp_path / "hub.log").open("wb") as log:
            first = await asyncio.to_thread(hub_process, env, log)
            try:
                package = seal(
                    _manifest(sender, receiver, handover_id, now + dt.timedelta(days=1)),
                    sending, receiving.certificate,
                )  # fmt: skip
                endpoint = EndpointSettings(base_url=first[2], timeout_s=30.0)
                transport = HttpTransport({receiver: endpoint.http_client()})
                try:
                    await transport.deliver(Delivery(handover_id, sender, receiver, package))
                finally:
                    await transport.aclose()
                accepted = HandoverAccepted(handover_id=handover_id, accepted_at=now,
                                            new_case_id=new_case)  # fmt: skip
                case_system = "urn:test:case-system"
                event = new_event(accepted, source=case_system, municipality=receiver,
                                  case_id=new_case)  # fmt: skip
                await send(hub_settings.kafka, event)
                await asyncio.wait_for(gate.arrived.wait(), timeout=90)
                first[0].send_signal(signal.SIGKILL)  # the answer there, held; not committed here
                await asyncio.to_thread(first[0].wait, 10)
            finally:
                stop(first)
            gate.release.set()
            restarted = await asyncio.to_thread(hub_process, env, log)
            try:
                async with asyncio.timeout(90):
                    while gate.posts < 2:  # the answer comes again over HTTP
                        await asyncio.sleep(0.2)
                await wait_until_consumed(
                    hub_settings.kafka, group_of(hub_settings, "handover"),
                    [topic("handover", receiver)], within=60,
                )  # fmt: skip
                set_there = await wait_for_records(
                    hub_settings.kafka, topic("deadline", receiver),
                    taken_of(new_case), within=60,
                )  # fmt: skip
            finally:
                stop(restarted)
    records = await read_topic(hub_settings.kafka, topic("handover", receiver))
    takeovers = [from_kafka(r.headers, r.value) for r in records]
    takeovers = [e for e in takeovers if isinstance(e.data, DeadlinesTakenOver)]
    assert len({e.envelope.id for e in takeovers}) == 1  # the same takeover, whatever was sent
    assert len({from_kafka(r.headers, r.value).envelope.subject for r in set_there}) == 1
    assert gate.posts == 2  # answered again after the restart
    assert len({e.envelope.id for e in answered}) == 1  # one HandoverAnswered id at the sender
    assert {getattr(e.data, "accepted", None) for e in answered} == {True}
