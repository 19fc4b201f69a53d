"""What ``casehub deadlines status`` prints: the deadlines in the engine's changelog, as JSON.

The engine keeps its deadlines in the ``deadlines`` store of its group's state table: the
compacted changelog ``<group>.state.<kommunekode>``, one partition per task. The command
reads every partition of the municipalities' changelog topics to its end, as a new owner
restores them (``KafkaChangelog.restore``), whichever instance owns them now.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from hub.clock.rules import RULES_BY_ID
from hub.clock.tracked import Tracked
from hub.components.deadlines.engine import STORE
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state.offline import changelog_partitions, read_changelogs

__all__ = ["as_json", "read_deadlines"]


async def read_deadlines(
    kafka: KafkaConnection,
    municipalities: Iterable[str] = (),
    *,
    group: str,
    include_closed: bool = False,
) -> list[Tracked]:
    """The open (or all) deadlines of the municipalities (none given: every one with state).

    ``group``: the engine's consumer group (``<group prefix>.deadlines``).

    Raises:
        TransientError: Kafka could not be read.

    """
    partitions = await changelog_partitions(kafka, group, municipalities)
    if not partitions:
        return []
    tables = await read_changelogs(kafka, group, partitions, client_id="casehub-deadlines")
    prefix = f"{STORE}/"
    found = []
    for table in tables.values():
        for key, value in table.items():
            if not key.startswith(prefix):
                continue  # another store of the group (the delivery's parked records)
            parsed = json.loads(value)
            if parsed.get("record") != "deadline":
                continue
            tracked = Tracked.from_json(parsed)
            if include_closed or not tracked.status.final:
                found.append(tracked)
    return sorted(found, key=lambda t: (t.due_at, t.deadline_id))


def as_json(tracked: Tracked) -> dict[str, Any]:
    """One deadline for people and scripts: ids, times, rule and where it stands.

    A deadline that ended says when and by which event (``ended_at``, ``ended_by``), and a
    withdrawn one why (``reason``: ``measure_ended``, ``case_closed``).
    """
    rule = RULES_BY_ID.get(tracked.rule_id)
    last = tracked.steps[-1]
    ended = tracked.status.final
    return {
        "deadline_id": tracked.deadline_id,
        "rule": tracked.rule_id,
        "status": tracked.status.value,
        "municipality": tracked.municipality,
        "case_id": tracked.case_id,
        "starts_at": tracked.starts_at.isoformat(),
        "due_at": tracked.due_at.isoformat(),
        "escalate_at": None if tracked.escalate_at is None else tracked.escalate_at.isoformat(),
        "trigger_event_id": tracked.trigger_event_id,
        "concerns": None if rule is None else rule.concerns.value,
        "ended_at": last.at.isoformat() if ended else None,
        "ended_by": last.cause_id if ended else None,
        "reason": last.reason,
        "unpublished": [s.status.value for s in tracked.pending],
    }
