"""Reading a group's changelogs from outside the group: the commands' view of a component's state.

``casehub deadlines status``, ``casehub journal`` and ``casehub outcomes extract`` read what a
component keeps without joining its group: they find the group's changelog topics per
municipality and read each partition from its beginning to its current end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from hub.runtime.errors import TransientError
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state.changelog import KafkaChangelog
from hub.runtime.state.task import Task
from routing.topics import changelog_topic

__all__ = ["changelog_partitions", "read_changelogs"]

FETCH_BYTES = 4 * 1_048_588
"""A restore fetch's size: the broker hands over a larger record batch whole anyway."""


async def changelog_partitions(
    kafka: KafkaConnection, group: str, municipalities: Iterable[str] = ()
) -> dict[str, int]:
    """Kommunekode → partitions of the group's changelog topics (none given: every one).

    A municipality without a changelog topic (the component never ran for it) is left out.

    Raises:
        TransientError: Kafka could not be reached.

    """
    wanted = frozenset(municipalities)
    pattern = re.compile(re.escape(changelog_topic(group, "")) + r"(\d{3})")
    admin = AIOKafkaAdminClient(**kafka.client_options(), client_id="casehub-state-reader")
    try:
        await admin.start()
        names = {
            matched[1]: name
            for name in await admin.list_topics()
            if (matched := pattern.fullmatch(name)) and (not wanted or matched[1] in wanted)
        }
        described = await admin.describe_topics(sorted(names.values())) if names else []
    except KafkaError as exc:
        msg = f"changelog topics: {type(exc).__name__}"
        raise TransientError(msg) from None
    finally:
        await admin.close()
    counts = {topic["topic"]: len(topic.get("partitions") or ()) for topic in described}
    return {code: counts.get(name, 0) for code, name in sorted(names.items())}


async def read_changelogs(
    kafka: KafkaConnection, group: str, partitions: Mapping[str, int], *, client_id: str
) -> dict[Task, dict[str, bytes]]:
    """Each partition's table of the group's changelogs (``partitions``: kommunekode → count).

    Raises:
        TransientError: Kafka could not be read.

    """
    tasks = [Task(code, p) for code, count in sorted(partitions.items()) for p in range(count)]
    if not tasks:
        return {}
    changelog = KafkaChangelog(
        kafka,
        group,
        dict(partitions),
        partitions=max(partitions.values()),  # for creating topics, which a restore never does
        replication=1,
        max_record_bytes=FETCH_BYTES,
        client_id=client_id,
    )
    return await changelog.restore(tasks)
