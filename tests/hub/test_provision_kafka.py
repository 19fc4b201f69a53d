"""Topic provisioning on the real broker: a municipality's topics are co-partitioned."""

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub.runtime.provision import PartitionMismatchError, ensure_topics, hub_topics
from hub.runtime.state import KafkaChangelog
from routing.topics import changelog_topic, topic

pytestmark = pytest.mark.kafka


async def test_a_topic_made_with_another_partition_count_is_refused_at_start(hub_settings):
    municipality = hub_settings.municipalities[0]
    odd = topic("case", municipality)
    admin = AIOKafkaAdminClient(**hub_settings.kafka.client_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(odd, 6, 1)])  # made by hand, say
    finally:
        await admin.close()
    with pytest.raises(PartitionMismatchError) as refused:
        await ensure_topics(
            hub_settings.kafka, hub_topics([municipality]), partitions=3, replication=1
        )
    assert f"{odd}: 6" in str(refused.value)
    assert f"{topic('intake', municipality)}: 3" in str(refused.value)


async def test_topics_of_one_count_pass_on_a_second_start(hub_settings):
    municipality = hub_settings.municipalities[0]
    names = hub_topics([municipality])
    for _ in range(2):
        await ensure_topics(hub_settings.kafka, names, partitions=3, replication=1)


async def test_topics_of_another_count_than_the_setting_are_refused(hub_settings):
    municipality = hub_settings.municipalities[0]
    names = hub_topics([municipality])
    await ensure_topics(hub_settings.kafka, names, partitions=6, replication=1)
    with pytest.raises(PartitionMismatchError) as refused:
        await ensure_topics(hub_settings.kafka, names, partitions=3, replication=1)
    assert "do not all have 3 partitions" in str(refused.value)


async def test_a_changelog_of_another_count_is_refused(hub_settings):
    municipality = hub_settings.municipalities[0]
    group = f"{hub_settings.group_prefix}.recorder"
    admin = AIOKafkaAdminClient(**hub_settings.kafka.client_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(changelog_topic(group, municipality), 2, 1)])
    finally:
        await admin.close()
    changelog = KafkaChangelog(
        hub_settings.kafka, group, [municipality], partitions=3, replication=1,
        max_record_bytes=1024 * 1024,
    )  # fmt: skip
    try:
        with pytest.raises(PartitionMismatchError):
            await changelog.start()
    finally:
        await changelog.close()
