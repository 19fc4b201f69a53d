"""Reading a case's journal from the component's changelog, wherever its partition is owned.

The command reads the municipality's changelog topic ``<group>.state.<kommunekode>`` to its
end, as a new owner restores it (``KafkaChangelog.restore``), and keeps the case's steps.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hub.components.deadlines.status import changelog_partitions
from hub.components.journal.steps import in_sub_processes
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state import KafkaChangelog, Task

__all__ = ["read_journal"]

_FETCH_BYTES = 4 * 1_048_588  # a restore fetch; the broker hands a larger batch over whole
_STORE_PREFIX = "journal/step/"  # the store's name, then its step keys (component.step_key)


async def read_journal(
    kafka: KafkaConnection, *, group: str, municipality: str, case_id: str
) -> list[dict[str, Any]]:
    """The case's steps in order (event time, then event id), each in its sub-process.

    Raises:
        TransientError: Kafka could not be read.

    """
    partitions = await changelog_partitions(kafka, group, [municipality])
    if not partitions.get(municipality):
        return []
    changelog = KafkaChangelog(
        kafka,
        group,
        partitions,
        partitions=partitions[municipality],  # for creating topics, which a restore never does
        replication=1,
        max_record_bytes=_FETCH_BYTES,
        client_id="casehub-journal",
    )
    tasks = [Task(municipality, p) for p in range(partitions[municipality])]
    prefix = f"{_STORE_PREFIX}{case_id}/"
    steps = [
        json.loads(value)
        for table in (await changelog.restore(tasks)).values()
        for key, value in table.items()
        if key.startswith(prefix)
    ]
    steps.sort(key=lambda s: (dt.datetime.fromisoformat(s["time"]), s["event_id"]))
    return in_sub_processes(steps)
