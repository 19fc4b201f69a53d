"""Reading a case's journal from the component's changelog, wherever its partition is owned.

The command reads the municipality's changelog topic ``<group>.state.<kommunekode>`` to its
end, as a new owner restores it (``KafkaChangelog.restore``), and keeps the case's steps.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hub.components.journal.steps import in_sub_processes
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state.offline import changelog_partitions, read_changelogs

__all__ = ["read_journal"]

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
    tables = await read_changelogs(kafka, group, partitions, client_id="casehub-journal")
    prefix = f"{_STORE_PREFIX}{case_id}/"
    steps = [
        json.loads(value)
        for table in tables.values()
        for key, value in table.items()
        if key.startswith(prefix)
    ]
    steps.sort(key=lambda s: (dt.datetime.fromisoformat(s["time"]), s["event_id"]))
    return in_sub_processes(steps)
