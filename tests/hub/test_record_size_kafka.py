"""No record can stall a partition: size limits and the bounded quarantine copy, on the broker.

A record too large for the quarantine used to be rewound once a second for ever
(``outcome_not_recorded``), holding back every record behind it on its partition. Here each
record gets its outcome whatever its size, and the records behind it (the same case, and
another case on the same partition) flow. The source topic is made by the test, before the
hub starts, with a limit that lets a record larger than the hub's own limits onto it, as an
operator may have done.
"""

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic, RecordsToDelete
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from contracts.binding import to_kafka
from contracts.envelope import new_event
from contracts.person import LookupPurpose, PersonLookupRequested
from contracts.types import Cpr
from hub.cli.quarantine_ops import Entry, Filters, ReplayRefusedError, read_entries, replay
from hub.compose.app import create_app
from hub.runtime.provision import DEFAULT_MAX_RECORD_BYTES, ensure_topics, hub_topics
from hub.runtime.quarantine import bounded_copy, original_headers, quarantine_limit
from hub.runtime.serve import serving
from routing.topics import quarantine_topic, topic
from tests.effects import EffectStandIn, recorder
from tests.hub.test_delivery_kafka import ROUTES, casehub, until
from tests.kafka import WITHIN_S, produce, read_topic, wait_for_records, wait_until_consumed
from tests.people import CHILD

pytestmark = pytest.mark.kafka

MIB = 1024 * 1024


@pytest.fixture
async def standin():
    effects = EffectStandIn()
    async with serving(effects.app) as url:
        effects.url = url
        yield effects


@pytest.fixture
def settings(hub_settings):
    # One partition, so the records behind the large one share its partition.
    return hub_settings.model_copy(
        update={"routes": ROUTES, "deadlines": False, "topic_partitions": 1}
    )


def lookup(municipality, case):
    event = new_event(
        PersonLookupRequested(cpr=Cpr(CHILD), purpose=LookupPurpose.NOTIFICATION),
        source="urn:casehub:test",
        municipality=municipality,
        case_id=case,
    )
    return event.envelope.id, to_kafka(event)


def padded(record, *, value_bytes, header_bytes):
    """The record's JSON padded with whitespace to ``value_bytes`` (still valid), and its
    headers followed by unknown ones of 1,000 bytes each, ``header_bytes`` in all."""
    value = record.value + b" " * (value_bytes - len(record.value))
    pads = [
        (f"x-pad-{n:03}", b"p" * (1000 - len(f"x-pad-{n:03}"))) for n in range(header_bytes // 1000)
    ]
    return value, [*record.headers, *pads]


async def make_topic(bootstrap, name, max_bytes):
    admin = AIOKafkaAdminClient(**bootstrap.client_options())
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, 1, 1, topic_configs={"max.message.bytes": str(max_bytes)})]
        )
    finally:
        await admin.close()


async def topic_config(bootstrap, name):
    admin = AIOKafkaAdminClient(**bootstrap.client_options())
    await admin.start()
    try:
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    finally:
        await admin.close()
    ((_code, _message, _type, _name, entries),) = response.resources
    return {entry[0]: entry[1] for entry in entries}


async def large_then_two(settings, standin, *, value_bytes, header_bytes):
    """Produce, on one partition: a large lookup the stand-in rejects (its case is parked
    behind it), a lookup of the same case, a lookup of another case. Returns them."""
    municipality = settings.municipalities[0]
    case = f"L-{uuid.uuid4().hex[:8]}"
    big_id, big = lookup(municipality, case)
    same_id, same = lookup(municipality, case)
    other_id, other = lookup(municipality, f"O-{uuid.uuid4().hex[:8]}")
    value, headers = padded(big, value_bytes=value_bytes, header_bytes=header_bytes)
    standin.reject.add(big_id)
    person = topic("person", municipality)
    await produce(settings.kafka, person, value, key=big.key, headers=headers,
                  max_request_size=8 * MIB)  # fmt: skip
    for record in (same, other):
        await produce(settings.kafka, person, record.value, key=record.key,
                      headers=record.headers)  # fmt: skip
    return case, (big_id, value, headers), same_id, other_id


async def recorder_done(settings):
    """The recorder has an outcome for every record now on the person topic."""
    await wait_until_consumed(
        settings.kafka,
        f"{settings.group_prefix}.recorder",
        [topic("person", settings.municipalities[0])],
    )


async def test_a_2_mib_record_with_100_kb_of_headers_gets_its_outcome_and_the_rest_flows(
    settings, standin
):
    person = topic("person", settings.municipalities[0])
    await make_topic(settings.kafka, person, 4 * MIB)
    app = create_app(settings, extra=[recorder(standin.url)])
    async with serving(app):
        case, (big_id, value, headers), same_id, other_id = await large_then_two(
            settings, standin, value_bytes=2 * MIB, header_bytes=100_000
        )
        await until(lambda: other_id in standin.applied)
        await recorder_done(settings)  # past all three: nothing stalls the partition
        assert app.state.store.parked_count(f"{settings.group_prefix}.recorder") == 2
        assert same_id not in standin.applied, "its case waits behind the quarantined record"
        (entry,) = await read_entries(settings.kafka, Filters(case=case))
        # The quarantine takes three times the hub's record limit: the whole copy fits.
        assert not entry.truncated
        assert entry.value == value
        assert original_headers(entry.headers) == headers
        standin.reject.clear()
        await casehub("quarantine", "replay", "--case", case, "--yes", "--why", "fixed",
                      bootstrap=settings.kafka)  # fmt: skip
        await until(lambda: same_id in standin.applied)
    assert standin.order == [other_id, big_id, same_id]


async def test_a_record_the_quarantine_cannot_take_whole_gets_a_bounded_copy_and_replays(
    settings, standin
):
    # The hub's limits are below the record an operator let onto the topic: 256 KiB for
    # records, so 768 KiB for quarantine copies; the record is 2 MiB and 100 kB of headers.
    settings = settings.model_copy(update={"max_record_bytes": 256 * 1024})
    municipality = settings.municipalities[0]
    person = topic("person", municipality)
    await make_topic(settings.kafka, person, 4 * MIB)
    app = create_app(settings, extra=[recorder(standin.url)])
    async with serving(app):
        case, (big_id, value, headers), same_id, other_id = await large_then_two(
            settings, standin, value_bytes=2 * MIB, header_bytes=100_000
        )
        await until(lambda: other_id in standin.applied)
        await recorder_done(settings)
        assert same_id not in standin.applied
        (entry,) = await read_entries(settings.kafka, Filters(case=case))
        assert entry.truncated
        assert entry.value == b""
        assert entry.case == case
        kept = original_headers(entry.headers)
        assert 0 < len(kept) < len(headers)
        assert kept == headers[: len(kept)]
        assert entry.headers["ce_type"] == "dk.casehub.person.lookup-requested"
        assert entry.reason == (
            "effect service rejected the effect: 422; quarantine copy truncated: "
            f"value {2 * MIB} bytes not kept, {len(headers) - len(kept)} of {len(headers)} "
            f"headers ({sum(len(n) + len(v) for n, v in headers[len(kept) :])} bytes) not "
            f"kept, read it at {entry.source_ref}"
        )
        assert entry.source_ref == f"{person}:0:0"
        shown = await casehub("quarantine", "show", entry.ref, bootstrap=settings.kafka)
        assert f"value: not kept (a bounded copy); replay reads it at {person}:0:0" in shown
        standin.reject.clear()
        # The replay reads the original at its source, whole, and puts it back.
        await casehub("quarantine", "replay", "--case", case, "--yes", "--why", "fixed",
                      bootstrap=settings.kafka)  # fmt: skip
        await until(lambda: same_id in standin.applied)
        replayed = [r for r in await read_topic(settings.kafka, person) if r.offset > 2]
    assert standin.order == [other_id, big_id, same_id]
    (copy,) = [r for r in replayed if r.key == case.encode()]
    assert copy.value == value
    assert [(n, v) for n, v in copy.headers if n != "quarantine_replay_of"] == headers


async def test_the_record_that_stalled_a_partition_is_quarantined_whole_byte_for_byte(
    settings, standin
):
    # At 692d1ec: a 1,020,000-byte value and a 20 kB header took the source topic, not the
    # quarantine, and were rewound once a second for ever. Topics are the hub's own here.
    municipality = settings.municipalities[0]
    app = create_app(settings, extra=[recorder(standin.url)])
    async with serving(app):
        person = topic("person", municipality)
        assert (await topic_config(settings.kafka, person))["max.message.bytes"] == (
            str(DEFAULT_MAX_RECORD_BYTES)
        )
        case = f"S-{uuid.uuid4().hex[:8]}"
        _id, envelope = lookup(municipality, case)
        headers = [*envelope.headers, ("x-trace", b"t" * 20_000), ("x-bin", b"\xfe\xff")]
        value = b"\x00not json" + b"v" * (1_020_000 - 9)
        await produce(settings.kafka, person, value, key=envelope.key,
                      headers=headers)  # fmt: skip
        other_id, other = lookup(municipality, f"O-{uuid.uuid4().hex[:8]}")
        await produce(settings.kafka, person, other.value, key=other.key,
                      headers=other.headers)  # fmt: skip
        await until(lambda: other_id in standin.applied)
        recorder_group = f"{settings.group_prefix}.recorder".encode()
        (copy,) = await wait_for_records(
            settings.kafka,
            quarantine_topic(person),
            lambda r: dict(r.headers)["quarantine_group"] == recorder_group,
        )
    assert copy.value == value
    assert copy.key == case.encode()
    assert original_headers({k: v.decode() for k, v in copy.headers}) == headers
    assert b"truncated" not in dict(copy.headers)["quarantine_reason"]


async def test_provision_raises_an_older_quarantine_limit_and_keeps_its_other_settings(
    hub_kafka,
):
    name = f"casehub.test-{uuid.uuid4().hex[:8]}.person.v1"
    older = {"retention.ms": "-1", "segment.ms": "86400000"}  # as an older hub, plus an operator
    admin = AIOKafkaAdminClient(**hub_kafka.client_options())
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, 1, 1), NewTopic(quarantine_topic(name), 1, 1, topic_configs=older)]
        )
        async with asyncio.timeout(WITHIN_S):  # created is not yet listed by the broker
            while quarantine_topic(name) not in await admin.list_topics():
                await asyncio.sleep(0.1)
    finally:
        await admin.close()
    assert await ensure_topics(hub_kafka, [name], partitions=1, replication=1) == []
    config = await topic_config(hub_kafka, quarantine_topic(name))
    assert config["max.message.bytes"] == str(quarantine_limit(DEFAULT_MAX_RECORD_BYTES))
    assert (config["retention.ms"], config["segment.ms"]) == ("-1", "86400000")
    # A limit above the wanted one is never lowered; a second run changes nothing.
    await ensure_topics(hub_kafka, [name], partitions=1, replication=1,
                        max_record_bytes=64 * 1024)  # fmt: skip
    assert await topic_config(hub_kafka, quarantine_topic(name)) == config


async def bounded_entry_of(bootstrap, name, *, key, headers):
    """Produce a record on ``name`` and return the quarantine entry of its bounded copy."""
    written = await produce(bootstrap, name, b"{}", key=key, headers=headers)
    source = SimpleNamespace(topic=name, partition=written.partition, offset=written.offset,
                             key=key, value=b"{}", headers=headers)  # fmt: skip
    copy = bounded_copy(source, error="E", reason="r", group="g", at=datetime.now(UTC))
    return Entry(
        topic=quarantine_topic(name), partition=0, offset=0, key=copy.key, value=copy.value,
        headers=copy.headers, raw_headers=tuple((n, v.encode()) for n, v in copy.headers.items()),
    )  # fmt: skip


async def test_a_bounded_copy_whose_original_is_gone_or_another_is_refused_with_a_reason(
    hub_settings, test_broker
):
    hub_kafka, (municipality,) = hub_settings.kafka, hub_settings.municipalities
    await ensure_topics(hub_kafka, hub_topics([municipality]), partitions=1, replication=1)
    name = topic("person", municipality)
    _id, envelope = lookup(municipality, "C-gone")
    gone = await bounded_entry_of(hub_kafka, name, key=b"C-gone", headers=envelope.headers)
    # Another record at the next offset, where a bounded copy says a different one was.
    other = await bounded_entry_of(hub_kafka, name, key=b"C-other", headers=envelope.headers)
    moved = dataclasses.replace(other, key=b"C-moved")
    # The broker's admin: the hub's principal may not delete records (hub/compose/grants.py).
    admin = AIOKafkaAdminClient(**test_broker.admin.client_options())
    await admin.start()
    try:  # what retention does: the first record is removed from the topic's start
        await admin.delete_records({TopicPartition(name, 0): RecordsToDelete(before_offset=1)})
    finally:
        await admin.close()
    with pytest.raises(ReplayRefusedError, match=f"its original {name}:0:0 is no longer"):
        await replay(hub_kafka, [gone], reason="source fixed", operator="tester")
    with pytest.raises(ReplayRefusedError, match=f"the record at {name}:0:1 is not the one"):
        await replay(hub_kafka, [moved], reason="source fixed", operator="tester")
    assert await replay(hub_kafka, [other], reason="source fixed", operator="tester") == 1
    (_first, replayed) = await read_topic(hub_kafka, name)
    assert (replayed.key, replayed.value) == (b"C-other", b"{}")
    assert replayed.headers[-1] == ("quarantine_replay_of", f"{name}:0:1".encode())
