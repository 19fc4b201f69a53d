"""``casehub handover demo``: a case handed from one municipality's hub to another's, end to end.

Two real hubs on the demo's broker, one per municipality (København 101 hands over to Aarhus
751), each with its own consumer groups and its own certificate from a demo CA; the package
goes by the transport the handover settings name (today the hub-to-hub HTTP one: each peer's
``endpoint``). The demo plays both case systems: it opens the case at 101 with a notification
(the legal clock sets its deadlines), starts the handover, opens the new case at 751 and
accepts. It prints each hop and the two sides' ``casehub handover status``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from adapters.handover.demopki import DemoCa, write_identity
from adapters.handover.settings import HandoverSettings, IdentityFiles, PeerSettings
from adapters.handover.status import case_handovers
from contracts.base import Contract
from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened
from contracts.cpr import Cpr
from contracts.envelope import Event, new_event
from contracts.handover import (
    DeadlinesTakenOver,
    HandoverAccepted,
    HandoverAnswered,
    HandoverDelivered,
    HandoverReceived,
    HandoverStarted,
)
from contracts.intake import NotificationReceived
from contracts.reporting import TransferReported
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.serve import serving
from routing.topics import topic, topic_for

__all__ = ["RECEIVER", "SENDER", "run_handover_demo"]

SENDER = "101"  # København
RECEIVER = "751"  # Aarhus
TIMEOUT_S = 60.0
_SOURCE = "urn:casehub:demo:case-system"
CHILD = Cpr("7403161234")  # synthetic: day 14 + 60 (DOMAIN.md §4)

Match = Callable[[Event[Contract]], bool]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_handover_demo(
    hub: KafkaConnection, case_systems: dict[str, KafkaConnection] | None = None
) -> bool:
    """Run the handover once; True when every expected hop was seen.

    ``hub``: how both hubs reach the broker; ``case_systems``: how each municipality's case
    system does (by default as the hub).
    """
    # The composition root and the stand-ins, imported here: they import the registry.
    from hub.cli.standins import running_standins  # noqa: PLC0415
    from hub.compose.app import create_app  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415

    folder = Path(tempfile.mkdtemp(prefix="casehub-demo-handover-"))
    systems = case_systems or {}
    run = uuid.uuid4().hex[:6]
    pki = _Pki(folder)
    sender_port = _free_port()  # the receiving hub answers to the sending one, started later
    async with running_standins((SENDER, RECEIVER)) as standins:

        def settings_of(code: str, handover: HandoverSettings) -> Any:  # noqa: ANN401 - Settings
            return Settings(
                bootstrap_servers=hub.bootstrap_servers,
                kafka_security=hub.security,
                state_dir=folder / code,
                municipalities=(code,),
                group_prefix=f"casehub.demo-{code}-{run}",  # one hub's groups, not the other's
                http_port=0,
                log_level="WARNING",
                transient_pause_s=0.2,
                **{**standins.settings(), "handover": handover},
            )

        to_sender = EndpointSettings(base_url=f"http://127.0.0.1:{sender_port}", timeout_s=10.0)
        receiving = settings_of(RECEIVER, pki.settings(RECEIVER, SENDER, to_sender))
        async with serving(create_app(receiving), port=0) as receiver_url:
            to_receiver = EndpointSettings(base_url=receiver_url, timeout_s=10.0)
            sending = settings_of(SENDER, pki.settings(SENDER, RECEIVER, to_receiver))
            async with serving(create_app(sending), port=sender_port) as sender_url:
                click.echo(f"hub {SENDER} (sender)    {sender_url}  groups {sending.group_prefix}")
                click.echo(
                    f"hub {RECEIVER} (receiver)  {receiver_url}  groups {receiving.group_prefix}"
                )
                click.echo(
                    "transport: as CASEHUB_HANDOVER names it (each peer's endpoint: hub-to-hub"
                    " HTTP); package JWS (PS256) inside JWE (RSA-OAEP-256 + A256GCM)"
                )
                return await _steps(systems.get(SENDER, hub), systems.get(RECEIVER, hub), hub, run)


class _Pki:
    """A demo CA and one certificate per municipality, written to ``folder``."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._ca = DemoCa(dt.datetime.now(dt.UTC))
        self._ca_file = self._ca.write(folder)
        self._files = {
            code: write_identity(self._ca.identity(code), folder / code)
            for code in (SENDER, RECEIVER)
        }

    def settings(self, own: str, peer: str, endpoint: EndpointSettings) -> HandoverSettings:
        certificate, key = self._files[own]
        return HandoverSettings(
            own={own: IdentityFiles(certificate_file=certificate, key_file=key)},
            peers={peer: PeerSettings(certificate_file=self._files[peer][0], endpoint=endpoint)},
            trusted_cas=(self._ca_file,),
        )


async def _steps(
    sender_cs: KafkaConnection, receiver_cs: KafkaConnection, hub: KafkaConnection, run: str
) -> bool:
    case_id, new_case, handover_id = f"C-{run}", f"N-{run}", f"ho-{run}"
    now = dt.datetime.now(dt.UTC)
    opened = CaseOpened.model_validate(
        {"opened_at": now.isoformat(), "child_cpr": CHILD,
         "sub_process": "measures_and_follow_up", "kle": "27.24.00"},
        strict=False,
    )  # fmt: skip
    notification = _notification(now)
    click.echo(f"\n1. {SENDER}'s case system opens case {case_id} with a notification")
    await _send(sender_cs, SENDER, case_id, opened, notification)
    set_there = await _wait(hub, topic("deadline", SENDER), _deadline(case_id, "set"), count=2)
    if set_there is None:
        return _missing("the sender's deadlines")
    _deadlines(set_there)
    # The handover component keeps the open deadlines for the package: it has read them.
    if not await _consumed(hub, f"casehub.demo-{SENDER}-{run}.handover", topic("deadline", SENDER)):
        return _missing("the sender's handover component reading its deadlines")
    started = HandoverStarted(
        handover_id=handover_id, from_municipality=SENDER, to_municipality=RECEIVER,
        started_at=dt.datetime.now(dt.UTC), documents=0, summary="The family moves to Aarhus.",
    )  # fmt: skip
    click.echo(f"\n2. {SENDER} starts handover {handover_id} to {RECEIVER}")
    await _send(sender_cs, SENDER, case_id, started)
    hops = (
        (RECEIVER, HandoverReceived, "the package verified and opened"),
        (SENDER, HandoverDelivered, "the receiver's signed receipt verified"),
    )
    for code, contract, note in hops:
        found = await _wait(hub, topic("handover", code), _of(contract, handover_id))
        if found is None:
            return _missing(contract.__name__)
        _show(code, found[0], note)
    click.echo(f"\n3. {RECEIVER}'s case system opens case {new_case} and accepts")
    accepted = HandoverAccepted(
        handover_id=handover_id, accepted_at=dt.datetime.now(dt.UTC), new_case_id=new_case
    )
    await _send(receiver_cs, RECEIVER, new_case, opened, accepted)
    steps = (
        (RECEIVER, "handover", _of(DeadlinesTakenOver, handover_id), 1, "the clock takes over"),
        (RECEIVER, "deadline", _deadline(new_case, "set"), 3, "same due times, new owner"),
        (SENDER, "handover", _of(HandoverAnswered, handover_id), 1, "the answer, signed"),
        (SENDER, "deadline", _deadline(case_id, "withdrawn"), 2, "withdrawn: handed_over"),
        (RECEIVER, "reporting", _of(TransferReported, handover_id), 1, "statistics told"),
    )
    for code, domain, match, count, note in steps:
        found = await _wait(hub, topic(domain, code), match, count=count)
        if found is None:
            return _missing(note)
        if domain == "deadline":
            _show(code, found[0], note)
            _deadlines(found)
        else:
            _show(code, found[0], note)
    await _status(hub, case_id, new_case)
    click.echo("\nthe case is handed over: the duty to act and its deadlines are Aarhus's")
    return True


def _notification(now: dt.datetime) -> Contract:
    body = {
        "notification_id": f"n-{uuid.uuid4().hex[:8]}",
        "received_at": now.isoformat(),
        "child_cpr": CHILD,
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Demo School"},
        "reasons": ["school_absence"],
        "channel": "eform",
        "summary": "Synthetic demo notification.",
    }
    return NotificationReceived.model_validate(body, strict=False)


async def _send(kafka: KafkaConnection, code: str, case_id: str, *datas: Contract) -> None:
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for data in datas:
            event = new_event(data, source=_SOURCE, municipality=code, case_id=case_id)
            record = to_kafka(event)
            headers = [(k, v) for k, v in record.headers]
            await producer.send_and_wait(
                topic_for(event), record.value, key=record.key, headers=headers
            )
    finally:
        await producer.stop()


async def _wait(
    kafka: KafkaConnection, name: str, match: Match, *, count: int = 1
) -> list[Event[Contract]] | None:
    """The first ``count`` events of ``name`` that ``match``, or None after the timeout."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    found: list[Event[Contract]] = []
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - topics just made
        parts = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        async with asyncio.timeout(TIMEOUT_S):
            while len(found) < count:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        event = from_kafka(record.headers, record.value)
                        if match(event):
                            found.append(event)
    except TimeoutError:
        return None
    finally:
        await consumer.stop()
    return found[:count]


async def _consumed(kafka: KafkaConnection, group: str, name: str) -> bool:
    """True once ``group`` has committed every record of ``name`` there is now."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await consumer.start()
    await admin.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - topics just made
        parts = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        ends = {tp: end for tp, end in (await consumer.end_offsets(parts)).items() if end > 0}
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                committed = await admin.list_consumer_group_offsets(group)
                if all(tp in committed and committed[tp].offset >= end for tp, end in ends.items()):
                    return True
                await asyncio.sleep(0.2)
    except TimeoutError:
        return False
    finally:
        await admin.close()
        await consumer.stop()


def _of(contract: type[Contract], handover_id: str) -> Match:
    def match(event: Event[Contract]) -> bool:
        return isinstance(event.data, contract) and getattr(event.data, "handover_id", None) == (
            handover_id
        )

    return match


def _deadline(case_id: str, step: str) -> Match:
    def match(event: Event[Contract]) -> bool:
        return event.envelope.type == f"dk.casehub.deadline.{step}" and (
            event.envelope.caseid == case_id
        )

    return match


def _show(code: str, event: Event[Contract], note: str) -> None:
    envelope = event.envelope
    click.echo(
        f"   [{code}] {envelope.type} v{envelope.contractversion}  case {envelope.caseid}"
        f"  id {envelope.id}  ({note})"
    )


def _deadlines(events: list[Event[Contract]]) -> None:
    for event in events:
        data = event.data.model_dump(mode="json")
        reason = f"  reason {data['reason']}" if "reason" in data else ""
        click.echo(f"      {data['rule_id']:<34} due {data['due_at']}{reason}")


async def _status(hub: KafkaConnection, case_id: str, new_case: str) -> None:
    for code, case in ((SENDER, case_id), (RECEIVER, case_id), (RECEIVER, new_case)):
        lines = await case_handovers(hub, code, case)
        click.echo(f"\n$ casehub handover status {case} --municipality {code}")
        for line in lines:
            click.echo("  " + json.dumps(line))


def _missing(what: str) -> bool:
    click.echo(f"   no {what} within {TIMEOUT_S:.0f} s", err=True)
    return False
