"""``casehub demo``: one notification through the real hub on a real broker, hop by hop.

It starts the hub (HTTP intake + components) against the given broker, watches the
topics with a consumer of its own, posts a synthetic notification as an e-form system
would, prints each hop the notification takes, shows a rejected submission, and stops;
with ``keep`` it leaves the hub, its dashboard and the stand-ins up until interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import secrets
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.base import Contract
from contracts.binding import from_kafka, to_kafka
from contracts.case import CaseOpened, SubProcess
from contracts.cpr import Cpr
from contracts.documents import DocumentFiled, DocumentKind
from contracts.envelope import Event, follow_up_id, new_event
from contracts.intake import AssessmentOutcome, NotificationAssessed
from contracts.legal import ActBasis
from contracts.letters import LetterPurpose, LetterRequested
from contracts.person import PersonResolved
from hub.cli.demo_login import DemoLogin, demo_login
from hub.cli.quarantine_ops import Filters, read_entries
from hub.cli.standins import running_standins
from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.callers import CallerSettings, SignedRequests
from hub.runtime.crypto import KEY_HEADER, SEALED_PREFIX, EncryptionSettings, KeyDirectory
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.serve import free_port, serving
from routing.topics import topic, topic_for

__all__ = ["run_demo", "synthetic_cpr"]

MUNICIPALITY = "101"
TIMEOUT_S = 60.0
FORM_SYSTEM = "demo-form-system"
"""The e-form system the demo plays: a caller of the intake, bound to the demo's municipality."""


def synthetic_cpr(birth: dt.date, serial: int) -> str:
    """A CPR number that cannot be a real person's: day + 60 (DOMAIN.md §4)."""
    digit7 = 4 if birth.year >= 2000 else 0  # noqa: PLR2004 - the century rule's split
    return f"{birth.day + 60:02d}{birth.month:02d}{birth.year % 100:02d}{digit7}{serial:03d}"


@dataclass(frozen=True)
class Hop:
    """One record the demo saw on a topic."""

    topic: str
    partition: int
    offset: int
    key: str
    headers: dict[str, str]
    value: bytes = b""

    @property
    def raw_headers(self) -> list[tuple[str, bytes]]:
        """The headers as bytes again, for decoding the record."""
        return [(k, v.encode()) for k, v in self.headers.items()]


def demo_submission(submission_id: str) -> dict[str, Any]:
    """What an e-form system posts: a school's notification about a synthetic child."""
    return {
        "submission_id": submission_id,
        "municipality": MUNICIPALITY,
        "child_cpr": synthetic_cpr(dt.date(2016, 3, 14), 123),
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Demo School"},
        "reasons": ["school_absence", "neglect"],
        "channel": "eform",
        "summary": "The child has been absent for three weeks and seems hungry when present.",
    }


async def run_demo(
    hub: KafkaConnection, case_system: KafkaConnection | None = None, *, keep: bool = False
) -> bool:
    """Run the flow once; True when every expected hop was seen.

    ``hub``: how the hub reaches the broker; ``case_system``: how the demo's case system
    (which writes the case events and watches its municipality's topics) does, by default
    the same. ``keep``: then stay up (hub, dashboard, stand-ins) until interrupted (Ctrl-C).
    """
    state_dir = Path(tempfile.mkdtemp(prefix="casehub-demo-"))
    # A fresh secret for this run, shared by the hub and the form system through a file.
    secret = secrets.token_hex(32).encode()
    secret_file = state_dir / f"{FORM_SYSTEM}.secret"
    secret_file.write_bytes(secret)
    secret_file.chmod(0o600)
    callers = {FORM_SYSTEM: CallerSettings(secret_file=secret_file, municipalities=(MUNICIPALITY,))}
    # Field encryption on, as a real deployment would run: a fresh KEK for this run.
    key_dir = state_dir / "keys"
    KeyDirectory(key_dir).rotate(MUNICIPALITY)
    port = free_port()  # known before the hub starts: the identity provider redirects to it
    async with (
        running_standins((MUNICIPALITY,)) as standins,
        demo_login(state_dir, f"http://127.0.0.1:{port}", MUNICIPALITY) as login,
    ):
        settings = Settings(
            encryption=EncryptionSettings(key_dir=key_dir),
            bootstrap_servers=hub.bootstrap_servers,
            kafka_security=hub.security,
            state_dir=state_dir,
            municipalities=(MUNICIPALITY,),
            callers=callers,
            http_port=0,
            log_level="WARNING",
            transient_pause_s=0.2,
            login=login.settings,
            **standins.settings(),
        )
        click.echo("stand-ins: " + ", ".join(f"{s.label} {s.url}" for s in standins.values()))
        click.echo(f"identity provider (stand-in): {login.settings.issuer}")
        signed = SignedRequests(FORM_SYSTEM, secret)
        return await _flow(case_system or hub, settings, signed, port, login, keep=keep)


async def _flow(  # noqa: PLR0913 - the demo's parts, each built by run_demo
    case_system: KafkaConnection,
    settings: Settings,
    signed: SignedRequests,
    port: int,
    login: DemoLogin,
    *,
    keep: bool,
) -> bool:
    watch = Watch()
    watched = [
        topic(d, MUNICIPALITY)
        for d in ("intake", "person", "letter", "case", "document", "reporting", "deadline")
    ]
    # The hub first: it creates the topics the watcher then reads from their end.
    async with (
        serving(create_app(settings), port=port) as url,
        _watching(case_system, watched, watch),
        _producer(case_system) as producer,
    ):
        click.echo(f"hub up: intake at {url}/notifications, broker {settings.bootstrap_servers}")
        click.echo(f"dashboard: {url}/ops/ (sign in at the stand-in identity provider)")
        for user in login.users:
            roles, places = ", ".join(user.roles), ", ".join(user.municipalities)
            password = user.password.get_secret_value()
            click.echo(f"   {user.username} / {password}  ({roles} of {places})")
        ok = await _steps(url, watch, producer, signed, settings.kafka)
        if keep:
            await _until_interrupted(url)
        return ok


async def _until_interrupted(url: str) -> None:
    """Stay up until Ctrl-C, then return, so the hub and the stand-ins stop in order.

    asyncio.run cancels the main task on the first Ctrl-C; the cancellation ends here, the
    demo's contexts close, and the run ends with the flow's result.
    """
    click.echo(f"everything stays up at {url} until interrupted (Ctrl-C)")
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()
    click.echo("interrupted: stopping the hub and the stand-ins")


@asynccontextmanager
async def _watching(kafka: KafkaConnection, topics: list[str], watch: Watch) -> AsyncIterator[None]:
    """Read ``topics`` from their current end, without a group, into ``watch``."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    await consumer.start()
    await consumer._client.force_metadata_update()  # noqa: SLF001 - topics the hub just made
    parts = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for part in parts:
        await consumer.position(part)  # fix the start now, before anything is posted

    async def pump() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for raw in records:
                    headers = {k: (v or b"").decode(errors="replace") for k, v in raw.headers}
                    key = (raw.key or b"").decode()
                    hop = Hop(raw.topic, raw.partition, raw.offset, key, headers, raw.value or b"")
                    await watch.arrivals.put(hop)

    task = asyncio.create_task(pump())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await consumer.stop()


@asynccontextmanager
async def _producer(kafka: KafkaConnection) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def _steps(
    url: str,
    watch: Watch,
    producer: AIOKafkaProducer,
    signed: SignedRequests,
    operations: KafkaConnection,
) -> bool:
    async with httpx.AsyncClient(base_url=url, auth=signed) as http:
        submission = demo_submission(f"demo-{uuid.uuid4()}")
        answer = await http.post("/notifications", json=submission)
        click.echo(f"1. e-form  POST /notifications -> {answer.status_code} {answer.json()}")
        if answer.status_code != 202:  # noqa: PLR2004
            return False
        flow = answer.json()["event_id"]
        step = 1
        last: Hop | None = None
        for wanted in ("notification.received", "person.lookup-requested", "person.resolved"):
            step += 1
            last = await watch.next(f"dk.casehub.{wanted}", flow)
            if last is None:
                return _missing(step, wanted)
            _show(step, last)
        assert last is not None  # noqa: S101 - the loop returned otherwise
        resolved = from_kafka(last.raw_headers, last.value)
        custody = [r for r in getattr(resolved.data, "related", ()) if r.has_custody]
        step += 1
        click.echo(
            f"{step}. case system: {len(custody)} custody holders found; it asks for an "
            "information letter to each (LetterRequested)"
        )
        for number, person in enumerate(custody):
            await _request_letter(producer, resolved, person.cpr, number)
        for _ in custody:
            step += 1
            hop = await watch.next_any(
                ("dk.casehub.letter.delivered", "dk.casehub.letter.failed"), flow
            )
            if hop is None:
                return _missing(step, "letter receipt")
            _show(step, hop, extra=f"channel {json.loads(hop.value).get('channel', '-')}")
        step += 1
        click.echo(
            f"{step}. case system: records the 24-hour assessment (NotificationAssessed), "
            "opens the case (CaseOpened) and files the notification (DocumentFiled)"
        )
        await _open_and_file(producer, resolved, submission)
        for wanted in ("document.archived", "reporting.statistics-reported"):
            step += 1
            hop = await watch.next(f"dk.casehub.{wanted}", flow)
            if hop is None:
                return _missing(step, wanted)
            _show(step, hop)
        step += 1
        # The deadline engine's answer to the events above: the 24-hour assessment deadline
        # met. Each DeadlineSet came before it on the same partition: the clock is complete.
        await watch.arrived("dk.casehub.deadline.met", flow)
        click.echo(f"{step}. the legal clock for this case:")
        for line in watch.deadlines(flow):
            click.echo(f"   {line}")
        bad = dict(submission, child_cpr="3213xx-1234", reasons=[])
        answer = await http.post("/notifications", json=bad)
        step += 1
        click.echo(f"{step}. a bad submission -> {answer.status_code} {answer.json()['problems']}")
        ok = answer.status_code == 422  # noqa: PLR2004
        # Anyone else who reaches the port: no signature, nothing published.
        async with httpx.AsyncClient(base_url=url) as anyone:
            unsigned = await anyone.post("/notifications", json=submission)
        step += 1
        refused = unsigned.json()["problems"]
        click.echo(f"{step}. an unsigned submission -> {unsigned.status_code} {refused}")
        ok = ok and unsigned.status_code == 401  # noqa: PLR2004
        step += 1
        ok = await _forged_letter(step, producer, operations, resolved, custody) and ok
    click.echo(
        "demo complete: e-form -> intake -> triage -> CPR (SF1520) -> case system -> "
        "Digital Post (SF1601/MeMo) -> receipts; ESDH archive (SF1470); Danmarks Statistik"
    )
    return ok


async def _forged_letter(
    step: int,
    producer: AIOKafkaProducer,
    operations: KafkaConnection,
    resolved: Event[Contract],
    custody: list[Any],
) -> bool:
    """A letter on our topic claiming another municipality, and its quarantine copy.

    Read as operations reads it: a case system cannot read a quarantine.
    """
    click.echo(
        f"{step}. case system: a LetterRequested on {MUNICIPALITY}'s topic claiming "
        "municipality 147"
    )
    if not custody:
        return _missing(step, "a custody holder to write to")
    event_id = await _request_letter(producer, resolved, custody[0].cpr, 99, claim="147")
    case = Filters(case=resolved.envelope.caseid)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                entries = await read_entries(operations, case, municipalities=(MUNICIPALITY,))
                found = [e for e in entries if e.headers.get("ce_id") == event_id]
                if found:
                    break
                await asyncio.sleep(0.5)
            reason = found[0].headers.get("quarantine_reason", "-")
            click.echo(f"   quarantined, nothing sent: {reason}")
            click.echo(f"   {found[0].ref}: on the dashboard's Quarantine page")
            return reason.startswith("tenant_mismatch")
    return _missing(step, "quarantine copy")


async def _request_letter(
    producer: AIOKafkaProducer,
    resolved: Event[Contract],
    cpr: Cpr,
    number: int,
    *,
    claim: str | None = None,
) -> str:
    """What a case system does: publish a LetterRequested for the case, keyed by its case id.

    ``claim``: the municipality the envelope claims (a forgery; the record still goes to our
    topic). Returns the event's id.
    """
    letter = LetterRequested(
        letter_id=f"L-{resolved.envelope.id[:8]}-{number}",
        recipient_cpr=cpr,
        purpose=LetterPurpose.OTHER,
        title="Kommunen har modtaget en underretning",
        body="Kommunen har modtaget en underretning om dit barn. En sagsbehandler kontakter dig.",
    )
    event = new_event(
        letter,
        source="urn:demo:case-system",
        municipality=claim or resolved.envelope.municipality,
        case_id=resolved.envelope.caseid,
        event_id=follow_up_id(resolved.envelope.id, f"{letter.event_type}/{number}"),
        correlation_id=resolved.envelope.correlationid,
        causation_id=resolved.envelope.id,
    )
    record = to_kafka(event)
    where = topic("letter", resolved.envelope.municipality)
    await producer.send_and_wait(where, record.value, key=record.key, headers=list(record.headers))
    return event.envelope.id


async def _open_and_file(
    producer: AIOKafkaProducer, resolved: Event[Contract], submission: dict[str, Any]
) -> None:
    """What a case system does next: assess, open the case and file the notification."""
    now = datetime.now(UTC)
    child = resolved.data.cpr if isinstance(resolved.data, PersonResolved) else None
    if child is None:
        return
    assessed = NotificationAssessed(
        notification_id=submission["submission_id"],
        assessed_at=now,
        acute_danger=False,
        outcome=AssessmentOutcome.INVESTIGATE,
        rationale="Assessed by the duty case worker within 24 hours.",
    )
    opened = CaseOpened(
        opened_at=now,
        child_cpr=child,
        sub_process=SubProcess.CLARIFICATION,
        kle="27.24.00",
    )
    filed = DocumentFiled(
        document_id=f"D-{resolved.envelope.id[:8]}",
        esdh_case_number=f"27.24.00-G01-{resolved.envelope.id[:6]}-26",
        kle="27.24.00",
        kind=DocumentKind.NOTIFICATION,
        title="Underretning",
        filed_at=now,
        sha256=hashlib.sha256(submission["summary"].encode()).hexdigest(),
    )
    steps: list[Contract] = [assessed, opened, filed]
    for number, data in enumerate(steps):
        event = new_event(
            data,
            source="urn:demo:case-system",
            municipality=resolved.envelope.municipality,
            case_id=resolved.envelope.caseid,
            event_id=follow_up_id(resolved.envelope.id, f"{data.event_type}/{number}"),
            correlation_id=resolved.envelope.correlationid,
            causation_id=resolved.envelope.id,
        )
        record = to_kafka(event)
        await producer.send_and_wait(
            topic_for(event), record.value, key=record.key, headers=list(record.headers)
        )


def _show(step: int, hop: Hop, extra: str = "") -> None:
    h = hop.headers
    click.echo(
        f"{step}. {h['ce_source']:<28} {h['ce_type']} v{h['ce_contractversion']}\n"
        f"   topic {hop.topic} partition {hop.partition} offset {hop.offset} key {hop.key}\n"
        f"   id {h['ce_id']} causation {h.get('ce_causationid', '-')}"
        f" classification {h['ce_classification']} {extra}".rstrip()
    )
    if KEY_HEADER in h:  # the sensitive fields travel sealed (docs/encryption.md)
        sealed = [name for name, v in json.loads(hop.value).items() if _sealed(v)]
        click.echo(f"   sealed {', '.join(sealed)} under data key {h[KEY_HEADER]}")


def _sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def _missing(step: int, what: str) -> bool:
    click.echo(f"{step}. no {what} within {TIMEOUT_S:.0f} s", err=True)
    return False


class Watch:
    """The records the watcher saw, picked out by type and flow.

    The watcher reads two topics, and Kafka orders records only within a partition, so a
    later hop may arrive first: it is kept until asked for, never dropped.
    """

    def __init__(self) -> None:
        self.arrivals: asyncio.Queue[Hop] = asyncio.Queue()
        self._seen: list[Hop] = []

    def deadlines(self, flow: str) -> list[str]:
        """The flow's deadlines seen so far, each with its latest state."""
        self._drain()
        latest: dict[str, tuple[str, dict[str, Any]]] = {}
        order: list[str] = []
        for hop in self._seen:
            kind = hop.headers.get("ce_type", "")
            if (
                not kind.startswith("dk.casehub.deadline.")
                or hop.headers.get("ce_correlationid") != flow
            ):
                continue
            data = json.loads(hop.value)
            deadline = data["deadline_id"]
            if deadline not in latest:
                order.append(deadline)
            latest[deadline] = (kind.removeprefix("dk.casehub.deadline."), data)
        return [
            f"{data['rule_id']:<32} due {data['due_at']}  escalate {data['escalate_at']}  "
            f"{ActBasis.model_validate(data['legal_basis'], strict=False)}  -> {state}"
            for state, data in (latest[d] for d in order)
        ]

    def _drain(self) -> None:
        while not self.arrivals.empty():
            self._seen.append(self.arrivals.get_nowait())

    async def arrived(self, event_type: str, flow: str) -> None:
        """Wait until the flow's hop of ``event_type`` is seen (kept), or for the timeout."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(TIMEOUT_S):
                while not any(
                    h.headers.get("ce_type") == event_type
                    and h.headers.get("ce_correlationid") == flow
                    for h in self._seen
                ):
                    self._seen.append(await self.arrivals.get())

    async def next(self, event_type: str, flow: str) -> Hop | None:
        """The flow's hop of ``event_type``, or None after the timeout."""
        return await self.next_any((event_type,), flow)

    async def next_any(self, event_types: tuple[str, ...], flow: str) -> Hop | None:
        """The flow's next hop of any of ``event_types``, or None after the timeout."""
        try:
            async with asyncio.timeout(TIMEOUT_S):
                while True:
                    for hop in self._seen:
                        h = hop.headers
                        if h.get("ce_type") in event_types and h.get("ce_correlationid") == flow:
                            self._seen.remove(hop)
                            return hop
                    self._seen.append(await self.arrivals.get())
        except TimeoutError:
            return None
