"""Identity at the broker: the secured session broker itself refuses, not the hub.

Each refusal is checked beside its allowed twin (the same client, the principal that may), so
a test cannot pass because the topic, the group or the broker is simply not there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from hub.compose.app import group_of
from hub.runtime.kafka_access import KafkaConnection, KafkaSecurityError, verify_access
from hub.runtime.provision import ensure_topics, hub_topics
from routing.topics import changelog_topic, quarantine_topic, topic
from tests.absent import missing
from tests.kafka import produce, read_topic

pytestmark = pytest.mark.kafka

_BOUNDED_MS = 5_000  # a refused client fails this fast; the broker is on loopback


def _group_of(municipality: str) -> str:
    """A fresh consumer group of the municipality's case system (its own prefix)."""
    return f"casesystem.{municipality}.test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def secured(test_broker):
    if test_broker.secured is None:
        # A broker someone else runs (CASEHUB_TEST_BOOTSTRAP, Docker) has none of our users:
        # skipped on a developer's machine with the reason, a failure in CI, which always
        # starts the secured local broker.
        missing("needs the secured local broker (not CASEHUB_TEST_BOOTSTRAP or Docker)")
    return test_broker


@pytest.fixture
async def two_municipalities(secured, hub_settings, fresh_municipality):  # noqa: ARG001 - skips
    """Ours (the hub's settings) and theirs, each with its topics, made by the hub."""
    ours, theirs = hub_settings.municipalities[0], fresh_municipality()
    await ensure_topics(hub_settings.kafka, hub_topics([ours, theirs]), partitions=1, replication=1)
    return ours, theirs


async def test_a_client_without_credentials_is_refused(secured):
    plaintext = AIOKafkaAdminClient(
        bootstrap_servers=secured.bootstrap, request_timeout_ms=_BOUNDED_MS
    )
    with pytest.raises(KafkaConnectionError):
        await plaintext.start()
    await plaintext.close()
    hub = AIOKafkaAdminClient(**secured.hub.client_options(), request_timeout_ms=_BOUNDED_MS)
    await hub.start()  # the same broker, with the hub's credentials
    await hub.close()


async def test_a_wrong_password_or_an_unknown_ca_ends_in_one_line_naming_the_setting(
    secured, tmp_path
):
    wrong = tmp_path / "password"
    wrong.write_text("not-the-password\n")
    refused = dataclasses.replace(
        secured.hub, security=secured.hub.security.model_copy(update={"password_file": wrong})
    )
    with pytest.raises(KafkaSecurityError, match="password_file: the broker refused user"):
        await verify_access(refused)
    other_ca = dataclasses.replace(
        secured.hub, security=secured.hub.security.model_copy(update={"ca_file": None})
    )  # the system's trust store does not know the local CA
    with pytest.raises(KafkaSecurityError, match="ca_file: the broker's certificate"):
        await verify_access(other_ca)
    await verify_access(secured.hub)


async def test_a_case_system_cannot_write_another_municipalitys_topics(secured, two_municipalities):
    ours, theirs = two_municipalities
    intruder = secured.case_system(theirs)
    for domain in ("intake", "case"):
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(intruder, topic(domain, ours), b"{}", key=b"C-1")
        await produce(intruder, topic(domain, theirs), b"{}", key=b"C-1")  # its own: allowed
    assert await read_topic(secured.hub, topic("case", ours)) == []


async def test_a_case_system_cannot_read_another_municipalitys_topics(secured, two_municipalities):
    ours, theirs = two_municipalities
    await produce(secured.case_system(ours), topic("case", ours), b"{}", key=b"C-1")
    with pytest.raises(TopicAuthorizationFailedError):
        await _read_one(secured.case_system(theirs), topic("case", ours), _group_of(theirs))
    assert await _read_one(secured.case_system(ours), topic("case", ours), _group_of(ours)) == b"{}"


async def test_a_case_system_never_reads_a_quarantine_or_the_hubs_state(
    secured, hub_settings, two_municipalities
):
    ours, _theirs = two_municipalities
    own = secured.case_system(ours)
    quarantine = quarantine_topic(topic("case", ours))
    # Left empty: the quarantine CLI reads every quarantine, and a record there must be a copy.
    with pytest.raises(TopicAuthorizationFailedError):
        await _read_one(own, quarantine, _group_of(ours))
    assert await read_topic(secured.hub, quarantine) == []  # the hub may read it
    changelog = changelog_topic(group_of(hub_settings, "deadlines"), ours)
    admin = AIOKafkaAdminClient(**secured.hub.client_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(changelog, 1, 1)])
    finally:
        await admin.close()
    await produce(secured.hub, changelog, b"{}", key=b"C-1")
    with pytest.raises(TopicAuthorizationFailedError):
        await _read_one(own, changelog, _group_of(ours))
    assert await _read_one(secured.hub, changelog, group_of(hub_settings, "reader")) == b"{}"


async def test_a_case_system_cannot_join_or_commit_the_hubs_groups(
    secured, hub_settings, two_municipalities
):
    ours, _theirs = two_municipalities
    own = secured.case_system(ours)
    name = topic("case", ours)
    group = group_of(hub_settings, "triage")
    with pytest.raises(GroupAuthorizationFailedError):
        await _read_one(own, name, group)  # joining the hub's group: refused
    partition = TopicPartition(name, 0)
    for who, refused in ((own, True), (secured.hub, False)):
        committing = AIOKafkaConsumer(**who.client_options(), group_id=group)
        await committing.start()
        try:
            committing.assign([partition])
            if refused:
                with pytest.raises(GroupAuthorizationFailedError):
                    await committing.commit({partition: 0})
            else:
                await committing.commit({partition: 0})
        finally:
            await committing.stop()
    # The case system's own groups are open to it.
    allowed = AIOKafkaConsumer(**own.client_options(), group_id=f"casesystem.{ours}.dubu")
    await allowed.start()
    try:
        allowed.assign([partition])
        await allowed.commit({partition: 0})
    finally:
        await allowed.stop()


async def _read_one(kafka: KafkaConnection, name: str, group: str) -> bytes:
    """The first record of ``name``, read as a member of ``group`` (a group ``kafka`` may use).

    Subscribing asks the broker for the topic's metadata first, and aiokafka raises the
    broker's TOPIC_AUTHORIZATION_FAILED there (an assigned partition would only be retried).
    """
    consumer = AIOKafkaConsumer(
        name, **kafka.client_options(), group_id=group, auto_offset_reset="earliest"
    )
    try:
        await consumer.start()
        async with asyncio.timeout(30):
            record = await consumer.getone()
        return bytes(record.value or b"")
    finally:
        await consumer.stop()


async def test_the_producer_of_a_case_system_is_refused_by_the_broker_not_the_hub(
    secured, two_municipalities
):
    """The refusal is the broker's own error code, from a bare aiokafka producer."""
    ours, theirs = two_municipalities
    producer = AIOKafkaProducer(**secured.case_system(theirs).client_options(), acks="all")
    await producer.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError) as refused:
            await producer.send_and_wait(topic("intake", ours), b"{}")
    finally:
        await producer.stop()
    assert refused.value.errno == 29  # TOPIC_AUTHORIZATION_FAILED in the Kafka protocol
