"""The audit on the real broker: every CPR lookup and every replay has its record first.

The CPR component runs against its SF1520 stand-in (SOAP on loopback); the replays go
through the ``casehub`` command line, as an operator would run them.
"""

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from adapters.cpr import COMPONENT
from contracts.binding import from_kafka, to_kafka
from contracts.cpr import Cpr
from contracts.envelope import new_event
from contracts.guards import has_cpr_shape
from contracts.operations import AuditAction, AuditRecorded
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.cli.audit import read_audit
from hub.compose.app import create_app
from hub.runtime.component import StandinContext
from hub.runtime.provision import ensure_topics, hub_topics
from hub.runtime.quarantine import whole_copy
from hub.runtime.serve import serving
from routing.topics import AUDIT_DOMAIN, quarantine_topic, topic
from tests.callers import signing
from tests.factories import submission
from tests.kafka import WITHIN_S, cli_options, produce, read_topic, wait_for_records
from tests.people import CHILD

pytestmark = pytest.mark.kafka

RESOLVED = "dk.casehub.person.resolved"
assert COMPONENT.standin is not None
CPR_STANDIN = COMPONENT.standin


def of_type(name):
    return lambda r: dict(r.headers).get("ce_type", b"").decode() == name


def cpr_numbers(population):
    """Every CPR number of the stand-in's population, with and without its dash."""
    numbers = [person.reveal() for person in population.people]
    return [n.encode() for n in numbers] + [f"{n[:6]}-{n[6:]}".encode() for n in numbers]


def record_bytes(record):
    return b"|".join([record.key or b"", record.value or b""] + [v for _, v in record.headers])


def audited(records):
    events = [from_kafka(r.headers, r.value) for r in records]
    assert all(isinstance(e.data, AuditRecorded) for e in events)
    return events


async def until(condition, *, within=WITHIN_S):
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.05)


async def topic_settings(bootstrap, name):
    admin = AIOKafkaAdminClient(**bootstrap.client_options())
    await admin.start()
    try:
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    finally:
        await admin.close()
    ((_code, _message, _type, _name, entries),) = response.resources
    return {entry[0]: entry[1] for entry in entries}


async def set_limit(bootstrap, name, limit):
    admin = AIOKafkaAdminClient(**bootstrap.client_options())
    await admin.start()
    try:
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, {"max.message.bytes": str(limit)})]
        )
    finally:
        await admin.close()


async def test_each_cpr_lookup_writes_one_audit_record_before_its_answer_and_no_cpr_number(
    hub_settings,
):
    municipality = hub_settings.municipalities[0]
    bootstrap = hub_settings.kafka
    async with CPR_STANDIN(StandinContext(municipalities=(municipality,))) as standin:
        population = standin.service.population
        settings = hub_settings.model_copy(update={"cpr": standin.settings})
        children = [population.child, population.child, population.single_custody_child]
        async with (
            serving(create_app(settings)) as url,
            httpx.AsyncClient(base_url=url, auth=signing()) as http,
        ):
            for child in children:
                body = submission(municipality, child_cpr=child.reveal())
                assert (await http.post("/notifications", json=body)).status_code == 202
            answers = await wait_for_records(
                bootstrap, topic("person", municipality), of_type(RESOLVED), count=3
            )
            lookups = await wait_for_records(
                bootstrap,
                topic("person", municipality),
                of_type(PersonLookupRequested.event_type),
                count=3,
            )
        records = await read_topic(bootstrap, topic(AUDIT_DOMAIN, municipality))
        config = await topic_settings(bootstrap, topic(AUDIT_DOMAIN, municipality))
    # The second lookup of one child is answered from the adapter's cache: audited too.
    events = audited(records)
    lookup_ids = sorted(dict(r.headers)["ce_id"].decode() for r in lookups)
    assert sorted(e.envelope.causationid for e in events) == lookup_ids, "one per lookup"
    assert len({e.envelope.id for e in events}) == 3
    for event in events:
        assert event.data.action is AuditAction.CPR_LOOKUP
        assert event.data.principal.startswith("component:cpr:")
        assert event.data.subject_ref == f"event:{event.envelope.causationid}"
        assert event.envelope.municipality == municipality
    for record in records:
        assert not any(number in record_bytes(record) for number in cpr_numbers(population))
        assert not has_cpr_shape(record_bytes(record).decode())
    # Each audit record was on the broker before its lookup's answer.
    written = {from_kafka(r.headers, r.value).envelope.causationid: r.timestamp for r in records}
    for answer in answers:
        assert written[dict(answer.headers)["ce_causationid"].decode()] <= answer.timestamp
    # Append-only and kept forever.
    assert (config["cleanup.policy"], config["retention.ms"], config["retention.bytes"]) == (
        "delete",
        "-1",
        "-1",
    )


async def test_an_audit_topic_that_refuses_the_record_keeps_the_lookup_retrying_unasked(
    hub_settings,
):
    municipality = hub_settings.municipalities[0]
    bootstrap = hub_settings.kafka
    audit_topic = topic(AUDIT_DOMAIN, municipality)
    # The audit topic refuses every record (too large for it) until its limit is raised.
    admin = AIOKafkaAdminClient(**bootstrap.client_options())
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(
                    audit_topic,
                    hub_settings.topic_partitions,
                    hub_settings.topic_replication,
                    topic_configs={"max.message.bytes": "200"},
                )
            ]
        )
    finally:
        await admin.close()
    async with CPR_STANDIN(StandinContext(municipalities=(municipality,))) as standin:
        # Retried, not quarantined, while the audit topic refuses (after retry_attempts the
        # delivery policy would quarantine it: never pass it unaudited).
        settings = hub_settings.model_copy(update={"cpr": standin.settings, "retry_attempts": 200})
        async with (
            serving(create_app(settings)) as url,
            httpx.AsyncClient(base_url=url, auth=signing()) as http,
        ):
            body = submission(municipality, child_cpr=standin.service.population.child.reveal())
            assert (await http.post("/notifications", json=body)).status_code == 202
            await wait_for_records(
                bootstrap,
                topic("person", municipality),
                of_type(PersonLookupRequested.event_type),
            )
            await asyncio.sleep(3.0)  # several retries (retry_max_s is 1 s)
            person = await read_topic(bootstrap, topic("person", municipality))
            assert [r for r in person if of_type(RESOLVED)(r)] == [], "no answer unaudited"
            assert standin.service.received == [], "the register is not asked unaudited"
            assert (
                await read_topic(bootstrap, quarantine_topic(topic("person", municipality))) == []
            )
            await set_limit(bootstrap, audit_topic, 1_048_588)  # the audit topic takes it now
            (answer,) = await wait_for_records(
                bootstrap, topic("person", municipality), of_type(RESOLVED)
            )
            records = await read_topic(bootstrap, audit_topic)
            asked = len(standin.service.received)
    (event,) = audited(records)
    assert event.envelope.causationid == dict(answer.headers)["ce_causationid"].decode()
    assert asked == 1


async def casehub(*args):
    """Run the ``casehub`` command line; its exit code, standard output and error."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hub.cli.main", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def quarantined_lookup(bootstrap, municipality):
    """A person lookup on its topic and its whole copy in quarantine, as the hub makes them."""
    name = topic("person", municipality)
    lookup = new_event(
        PersonLookupRequested(cpr=Cpr(CHILD), purpose=LookupPurpose.NOTIFICATION),
        source="urn:test:case-system",
        municipality=municipality,
        case_id="C-audit-1",
    )
    record = to_kafka(lookup)
    headers = list(record.headers)
    written = await produce(bootstrap, name, record.value, key=record.key, headers=headers)
    source = SimpleNamespace(topic=name, partition=written.partition, offset=written.offset,
                             key=record.key, value=record.value, headers=headers)  # fmt: skip
    copy = whole_copy(source, error="E", reason="r", group="g", at=datetime.now(UTC))
    await produce(
        bootstrap,
        quarantine_topic(name),
        copy.value,
        key=copy.key,
        headers=[(n, v.encode()) for n, v in copy.headers.items()],
    )
    return lookup


async def test_a_replay_is_audited_with_operator_and_reason_and_refused_without_a_reason(
    hub_settings,
):
    (municipality,), bootstrap = hub_settings.municipalities, hub_settings.kafka
    await ensure_topics(bootstrap, hub_topics([municipality]), partitions=1, replication=1)
    lookup = await quarantined_lookup(bootstrap, municipality)
    replay = ("quarantine", "replay", *cli_options(bootstrap), "--municipality", municipality,
              "--yes", "--operator", "alice")  # fmt: skip
    code, _out, err = await casehub(*replay)
    assert code != 0
    assert "--why" in err
    code, _out, err = await casehub(*replay, "--why", "  ")
    assert code != 0
    assert "needs a reason" in err
    code, _out, err = await casehub(*replay, "--why", f"child {CHILD} moved")
    assert code != 0
    assert "must not hold a CPR number" in err
    assert CHILD not in err
    audit_topic = topic(AUDIT_DOMAIN, municipality)
    assert await read_topic(bootstrap, audit_topic) == []
    assert len(await read_topic(bootstrap, topic("person", municipality))) == 1, "not replayed"

    code, _out, err = await casehub(*replay, "--why", "agreement renewed")
    assert code == 0, err
    records = await read_topic(bootstrap, audit_topic)
    (event,) = audited(records)
    assert event.data.action is AuditAction.QUARANTINE_REPLAY
    assert event.data.principal == "operator:alice"
    assert event.data.reason == "agreement renewed"
    assert event.data.subject_ref == f"event:{lookup.envelope.id}"
    assert event.envelope.caseid == "C-audit-1"
    assert CHILD.encode() not in record_bytes(records[0])
    assert len(await read_topic(bootstrap, topic("person", municipality))) == 2, "replayed"

    # The same replay again has the same audit id: the reader marks it as a repeat.
    code, _out, err = await casehub(*replay, "--why", "agreement renewed")
    assert code == 0, err
    lines = await read_audit(bootstrap, municipality)
    assert [(line.id, line.repeat) for line in lines] == [
        (event.envelope.id, False),
        (event.envelope.id, True),
    ]
    code, out, err = await casehub(
        "audit", "show", *cli_options(bootstrap), "--municipality", municipality
    )
    assert code == 0, err
    first, second = out.splitlines()
    assert "quarantine-replay  operator:alice" in first
    assert "agreement renewed" in first
    assert second.endswith("(repeat)  agreement renewed")
    later = (datetime.now() + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")  # noqa: DTZ005
    code, out, err = await casehub(
        "audit", "show", *cli_options(bootstrap), "--municipality", municipality,
        "--since", later,
    )  # fmt: skip
    assert (code, out) == (0, ""), err
    assert json.loads(records[0].value)["principal"] == "operator:alice"
