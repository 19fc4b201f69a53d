"""The changelog on the real broker: compacted topics, write and restore, tombstones, tasks."""

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from structlog.testing import capture_logs

from hub.compose.app import group_of, state_table
from hub.runtime.provision import ensure_topics, hub_topics
from hub.runtime.state import Task
from routing.topics import changelog_topic, topic
from tests.kafka import WITHIN_S, end_offsets, read_topic

pytestmark = pytest.mark.kafka


@pytest.fixture
def settings(hub_settings):
    # Not the default count, so a changelog that took a default of its own would show.
    return hub_settings.model_copy(update={"topic_partitions": 4})


async def topic_config(bootstrap, name):
    """The topic's configuration, once the broker describes it (just after its creation it
    may answer with an error and no entries)."""
    admin = AIOKafkaAdminClient(**bootstrap.client_options())
    await admin.start()
    try:
        async with asyncio.timeout(WITHIN_S):
            while True:
                resource = ConfigResource(ConfigResourceType.TOPIC, name)
                (response,) = await admin.describe_configs([resource])
                ((code, _message, _type, _name, entries),) = response.resources
                if code == 0 and entries:
                    return {entry[0]: entry[1] for entry in entries}
                await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def started_table(settings, name="recorder"):
    table = state_table(settings, name)
    await table.start()
    return table


async def test_changelog_topics_are_compacted_with_the_business_topics_partitions(settings):
    (code,) = settings.municipalities
    await ensure_topics(
        settings.kafka, hub_topics(settings.municipalities),
        partitions=settings.topic_partitions, replication=1,
    )  # fmt: skip
    table = await started_table(settings)
    try:
        name = changelog_topic(group_of(settings, "recorder"), code)
        config = await topic_config(settings.kafka, name)
        business = await end_offsets(settings.kafka, [topic("case", code)])
        changelog = await end_offsets(settings.kafka, [name])
    finally:
        await table.close()
    assert config["cleanup.policy"] == "compact"
    assert config["retention.ms"] == "-1"
    assert len(changelog) == len(business) == 4
    assert {tp.partition for tp in changelog} == {tp.partition for tp in business}


async def test_a_new_table_restores_what_was_written_and_not_what_was_removed(settings):
    (code,) = settings.municipalities
    first, second = Task(code, 0), Task(code, 3)
    table = await started_table(settings)
    try:
        await table.assign([first, second])
        table.put(first, "parked/a", b"first's a")
        table.put(second, "parked/a", b"second's a")  # the same key in another task
        table.put(first, "done/e-1", b"1.0")
        table.put(first, "done/e-2", b"2.0")
        await table.flush()
        table.delete(first, "done/e-1")
        table.put(first, "done/e-2", b"2.5")
        await table.flush()
    finally:
        await table.close()
    again = await started_table(settings)
    try:
        with capture_logs() as logs:
            await again.assign([first, second])
        assert dict(again.items(first)) == {"parked/a": b"first's a", "done/e-2": b"2.5"}
        assert dict(again.items(second)) == {"parked/a": b"second's a"}
    finally:
        await again.close()
    (restored,) = [e for e in logs if e["event"] == "state_restored"]
    assert restored["group"] == group_of(settings, "recorder")
    assert (restored["tasks"], restored["entries"]) == (2, 3)
    assert isinstance(restored["seconds"], float)
    assert restored["seconds"] >= 0
    # On the topic: each task on its own partition, the removal as a tombstone.
    records = await read_topic(
        settings.kafka, changelog_topic(group_of(settings, "recorder"), code)
    )
    by_partition = {p: [(r.key, r.value) for r in records if r.partition == p] for p in (0, 3)}
    assert (b"parked/a", b"second's a") in by_partition[3]
    assert (b"done/e-1", None) in by_partition[0]
    assert {r.partition for r in records} == {0, 3}


async def test_a_task_with_nothing_written_restores_empty_and_groups_keep_apart(settings):
    (code,) = settings.municipalities
    task = Task(code, 1)
    recorder = await started_table(settings, "recorder")
    other = await started_table(settings, "triage")
    try:
        await recorder.assign([task])
        await other.assign([task])
        recorder.put(task, "k", b"recorder's")
        await recorder.flush()
        assert dict(other.items(task)) == {}
        fresh = await started_table(settings, "triage")
        try:
            await fresh.assign([task])
            assert dict(fresh.items(task)) == {}, "another group's changelog is not read"
        finally:
            await fresh.close()
    finally:
        await recorder.close()
        await other.close()
