"""Several hub processes in one consumer group, on the real broker, under faults.

Each scenario runs real ``tests.fault_hub`` processes (the hub plus the recorder component,
whose side effect is a call to a stand-in that applies each effect once per id, as
Digital Post does per MessageUUID) and counts, when it is over:

- every input has exactly one outcome: applied at the stand-in, nothing quarantined,
  nothing left parked;
- each side effect applied exactly once (repeated calls after a crash are recognised by
  the stand-in and counted apart);
- per-case order held: the stand-in saw each case's events in the order they were produced;
- a case parked (its first event failing) on the instance that dies, moves, or loses its
  files is retried on another and its later events follow it;
- with the legal clock running in every process (kill -9 scenario), each missed deadline
  gets one ``DeadlineMissed`` event id, published by the owner of its case's partition.

Every wait is bounded; the processes are killed at the end whatever happens.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import uuid
from collections import Counter, defaultdict

import pytest
from aiokafka import AIOKafkaProducer

from adapters.registry import COMPONENTS
from contracts.binding import from_kafka, to_kafka
from contracts.cpr import Cpr
from contracts.deadlines import DeadlineMissed, DeadlineMissedV2
from contracts.envelope import new_event
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.serve import serving
from routing.routes import default_routes
from routing.topics import quarantine_topic, topic
from tests.broker import start_local_broker, stop_local_broker
from tests.effects import EffectStandIn
from tests.hub.deadlines.casework import CaseFile
from tests.kafka import read_topic
from tests.people import CHILD
from tests.scale.fleet import Fleet

pytestmark = pytest.mark.kafka

RECORDER = {"consumer": "recorder", "event_types": ["dk.casehub.person.lookup-requested"]}
CLOCK = [r.model_dump(mode="json") for r in default_routes(COMPONENTS) if r.consumer == "deadlines"]
MISSED = "dk.casehub.deadline.missed"
ASSESSMENT = "notification-acute-assessment"
WITHIN_S = 180.0


class Stream:
    """The events of a scenario: ``per_case`` lookups for each of ``cases`` cases."""

    def __init__(self, municipality: str, *, cases: int, per_case: int) -> None:
        self.municipality = municipality
        self.by_case: dict[str, list[str]] = {}
        self.events = []
        run = uuid.uuid4().hex[:6]
        for n in range(cases):
            case = f"S{run}-{n:04d}"
            self.by_case[case] = []
        for _round in range(per_case):  # interleaved, as cases' events arrive in life
            for case in self.by_case:
                event = new_event(
                    PersonLookupRequested(cpr=Cpr(CHILD), purpose=LookupPurpose.CASE),
                    source="urn:casehub:test:scale",
                    municipality=municipality,
                    case_id=case,
                )
                self.by_case[case].append(event.envelope.id)
                self.events.append(event)
        self.partition_of: dict[str, int] = {}

    @property
    def ids(self) -> list[str]:
        return [e.envelope.id for e in self.events]

    def first_of(self, cases: list[str]) -> set[str]:
        return {self.by_case[case][0] for case in cases}

    async def produce(
        self, bootstrap: KafkaConnection, start: int = 0, end: int | None = None
    ) -> None:
        """Produce events ``start:end`` in order, keyed by case, acknowledged by the broker."""
        producer = AIOKafkaProducer(**bootstrap.client_options(), acks="all", linger_ms=5)
        await producer.start()
        try:
            sent = []
            for event in self.events[start:end]:
                record = to_kafka(event)
                sent.append((event.envelope.caseid, await producer.send(
                    topic("person", self.municipality), record.value, key=record.key,
                    headers=list(record.headers),
                )))  # fmt: skip
            for case, future in sent:
                self.partition_of[case] = (await future).partition
        finally:
            await producer.stop()


async def until(condition, *, within: float = WITHIN_S, what: str = "") -> None:
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.1)
    assert condition(), what


def assert_each_applied_once_in_order(standin: EffectStandIn, stream: Stream) -> None:
    assert len(standin.applied) == len(stream.events)
    assert set(standin.applied) == set(stream.ids)
    assert set(standin.applied.values()) == {1}
    seen: dict[str, list[str]] = defaultdict(list)
    case_of = {e.envelope.id: e.envelope.caseid for e in stream.events}
    for effect in standin.order:
        seen[case_of[effect]].append(effect)
    out_of_order = [case for case, ids in stream.by_case.items() if seen[case] != ids]
    assert out_of_order == [], f"{len(out_of_order)} cases saw their events out of order"


async def assert_nothing_quarantined(bootstrap: KafkaConnection, municipality: str) -> None:
    quarantine = quarantine_topic(topic("person", municipality))
    assert await read_topic(bootstrap, quarantine) == []


def report(name: str, standin: EffectStandIn) -> None:
    repeated = sum(standin.calls.values()) - len(standin.applied)
    line = f"{name}: {len(standin.applied)} effects applied once each, {repeated} repeated calls"
    print(line, "recognised by the stand-in")  # noqa: T201 - the run's figures


@pytest.fixture
async def standin():
    effects = EffectStandIn()
    async with serving(effects.app) as url:
        effects.url = url
        yield effects


def fleet_for(settings, standin, tmp_path, *, clock: bool = False) -> Fleet:
    env = {
        "EFFECTS_URL": standin.url,
        "CASEHUB_ROUTES": json.dumps([RECORDER, *(CLOCK if clock else [])]),
        "CASEHUB_TOPIC_PARTITIONS": "6",
        "CASEHUB_RETRY_BASE_S": "0.2",
        "CASEHUB_RETRY_MAX_S": "1",
        "CASEHUB_RETRY_ATTEMPTS": "1000",  # a parked case waits for its cause to be fixed
        "CASEHUB_TRANSIENT_PAUSE_S": "0.2",
        "CASEHUB_DEADLINES": json.dumps({"tick_s": 0.5, "grace_s": 0}) if clock else "false",
    }
    return Fleet(settings, env, tmp_path / "fleet")


def holder(owners: dict[str, set[tuple[str, int]]], partition: int) -> str:
    (name,) = [n for n, held in owners.items() if any(p == partition for _t, p in held)]
    return name


async def late_notifications(bootstrap: KafkaConnection, municipality: str, count: int) -> set[str]:
    """``count`` cases notified two days ago: their 24-hour assessment is missed at once."""
    received = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
    triggers = [CaseFile(municipality).notification(received) for _ in range(count)]
    producer = AIOKafkaProducer(**bootstrap.client_options(), acks="all", linger_ms=5)
    await producer.start()
    try:
        for trigger in triggers:
            record = to_kafka(trigger)
            await producer.send(topic("intake", municipality), record.value, key=record.key,
                                headers=list(record.headers))  # fmt: skip
        await producer.flush()
    finally:
        await producer.stop()
    return {t.envelope.id for t in triggers}


async def assessments_missed(
    bootstrap: KafkaConnection, municipality: str
) -> Counter[tuple[str, str]]:
    """DeadlineMissed records of the acute assessment, per (trigger, event id)."""
    found: Counter[tuple[str, str]] = Counter()
    for record in await read_topic(bootstrap, topic("deadline", municipality)):
        event = from_kafka(record.headers, record.value)
        data = event.data
        if isinstance(data, DeadlineMissed | DeadlineMissedV2) and data.rule_id == ASSESSMENT:
            found[data.trigger_event_id, event.envelope.id] += 1
    return found


async def test_kill_9_one_of_three_mid_stream(hub_settings, standin, tmp_path):
    municipality = hub_settings.municipalities[0]
    stream = Stream(municipality, cases=500, per_case=10)
    fleet = fleet_for(hub_settings, standin, tmp_path, clock=True)
    group = f"{hub_settings.group_prefix}.recorder"
    parked = list(stream.by_case)[:30]
    standin.unavailable |= stream.first_of(parked)  # these cases park at their first event
    try:
        await fleet.start("hub-a", "hub-b", "hub-c")
        bootstrap = hub_settings.kafka
        late = await late_notifications(bootstrap, municipality, 100)
        await stream.produce(bootstrap)
        late |= await late_notifications(bootstrap, municipality, 100)
        await until(lambda: len(standin.applied) >= 1500, what="the stream flows")
        owners = await fleet.owners(group)
        assert len([n for n, held in owners.items() if held]) == 3, "partitions spread over 3"
        victim = holder(owners, stream.partition_of[parked[0]])
        await fleet.kill(victim)
        applied_at_kill = len(standin.applied)
        standin.unavailable.clear()  # the cause is fixed: the parked cases go on elsewhere
        late |= await late_notifications(bootstrap, municipality, 100)
        await until(lambda: len(standin.applied) == len(stream.events), what="all applied")
        survivors = await fleet.owners(group)
        assert victim not in survivors
        async with asyncio.timeout(WITHIN_S):
            while {t for t, _id in await assessments_missed(bootstrap, municipality)} != late:
                await asyncio.sleep(0.5)
        await asyncio.sleep(3)  # six more ticks of every engine: a second miss would show
        missed = await assessments_missed(bootstrap, municipality)
    finally:
        await fleet.close()
    assert applied_at_kill < len(stream.events), "the kill landed mid-stream"
    ids_per_deadline = Counter(trigger for trigger, _id in missed)
    assert set(ids_per_deadline) == late, "every missed deadline has its DeadlineMissed"
    assert set(ids_per_deadline.values()) == {1}, "one DeadlineMissed event per deadline"
    republished = sum(missed.values()) - len(missed)
    print(f"kill -9: {len(late)} deadlines missed once each ({republished} records published"  # noqa: T201
          " again with the same event id after the crash)")  # fmt: skip
    assert_each_applied_once_in_order(standin, stream)
    await assert_nothing_quarantined(hub_settings.kafka, municipality)
    report("kill -9", standin)


async def test_scale_one_to_three_to_one(hub_settings, standin, tmp_path):
    municipality = hub_settings.municipalities[0]
    stream = Stream(municipality, cases=500, per_case=6)
    third = len(stream.events) // 3
    fleet = fleet_for(hub_settings, standin, tmp_path)
    parked = list(stream.by_case)[:20]
    standin.unavailable |= stream.first_of(parked)
    try:
        await fleet.start("hub-a")
        await stream.produce(hub_settings.kafka, 0, third)
        await until(lambda: len(standin.applied) >= third // 2)
        await fleet.start("hub-b", "hub-c")  # scale out under load
        await stream.produce(hub_settings.kafka, third, 2 * third)
        await until(lambda: len(standin.applied) >= third)
        await fleet.stop("hub-b")  # scale in: their partitions and parked cases move
        await fleet.stop("hub-c")
        standin.unavailable.clear()
        await stream.produce(hub_settings.kafka, 2 * third)
        await until(lambda: len(standin.applied) == len(stream.events), what="all applied")
        owners = await fleet.owners(f"{hub_settings.group_prefix}.recorder")
        assert set(owners) == {"hub-a"}
    finally:
        await fleet.close()
    assert_each_applied_once_in_order(standin, stream)
    await assert_nothing_quarantined(hub_settings.kafka, municipality)
    report("scale 1-3-1", standin)


async def test_deleting_every_instances_files_between_restarts_loses_nothing(
    hub_settings, standin, tmp_path
):
    municipality = hub_settings.municipalities[0]
    stream = Stream(municipality, cases=100, per_case=5)
    fleet = fleet_for(hub_settings, standin, tmp_path)
    parked = list(stream.by_case)[:10]
    standin.unavailable |= stream.first_of(parked)
    waiting = len(parked) * 5
    try:
        await fleet.start("hub-a", "hub-b")
        await stream.produce(hub_settings.kafka)
        await until(lambda: len(standin.applied) == len(stream.events) - waiting)
        await fleet.stop("hub-a")
        await fleet.stop("hub-b")
        for name in ("hub-a", "hub-b"):
            shutil.rmtree(fleet.state_dir(name), ignore_errors=True)
            assert not fleet.state_dir(name).exists()
        standin.unavailable.clear()
        await fleet.start("hub-a", "hub-b")  # no files: state comes from the changelog
        await until(lambda: len(standin.applied) == len(stream.events), what="all applied")
    finally:
        await fleet.close()
    assert_each_applied_once_in_order(standin, stream)
    await assert_nothing_quarantined(hub_settings.kafka, municipality)


async def test_broker_restart_under_three_hubs(hub_settings, standin, tmp_path):
    data = tmp_path / "own-broker"
    bootstrap = (await asyncio.to_thread(start_local_broker, data)).hub
    settings = hub_settings.model_copy(
        update={
            "bootstrap_servers": bootstrap.bootstrap_servers,
            "kafka_security": bootstrap.security,
        }
    )
    municipality = settings.municipalities[0]
    stream = Stream(municipality, cases=500, per_case=4)
    half = len(stream.events) // 2
    fleet = fleet_for(settings, standin, tmp_path)
    parked = list(stream.by_case)[:15]
    standin.unavailable |= stream.first_of(parked)
    try:
        await fleet.start("hub-a", "hub-b", "hub-c")
        await stream.produce(bootstrap, 0, half)
        await until(lambda: len(standin.applied) >= half // 3)
        await asyncio.to_thread(stop_local_broker, data)
        standin.unavailable.clear()
        await asyncio.to_thread(start_local_broker, data)
        await stream.produce(bootstrap, half)
        await until(lambda: len(standin.applied) == len(stream.events), what="all applied")
    finally:
        await fleet.close()
        await asyncio.to_thread(stop_local_broker, data)
    assert_each_applied_once_in_order(standin, stream)
    report("broker restart", standin)
