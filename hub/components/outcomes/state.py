"""Reading the component's summaries from its changelog, wherever their partitions are owned.

The extract reads each municipality's changelog topic ``<group>.state.<kommunekode>`` to its
end, as a new owner restores it (``KafkaChangelog.restore``), and decodes the summaries of
the ``outcomes`` store. A municipality the component never ran for has no changelog: the
extract says so rather than write an empty extract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from hub.components.deadlines.status import changelog_partitions
from hub.components.outcomes.component import STORE
from hub.components.outcomes.model import CaseKey, CaseOutcomes
from hub.components.outcomes.summary import CASE_PREFIX, decode
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.state import KafkaChangelog, Task

__all__ = ["Summaries", "missing_state", "read_summaries"]

_FETCH_BYTES = 4 * 1_048_588  # a restore fetch; the broker hands a larger batch over whole
_PREFIX = f"{STORE}/{CASE_PREFIX}"


@dataclass
class Summaries:
    """The cases' summaries read, the municipalities without any, and what was unreadable."""

    cases: dict[CaseKey, CaseOutcomes] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """Municipalities without a changelog topic: the component never ran for them."""
    skipped: int = 0
    """Summaries this version cannot read (not counted)."""


async def missing_state(
    kafka: KafkaConnection, group: str, municipalities: Iterable[str]
) -> list[str]:
    """The municipalities without the group's changelog (the component never ran for them).

    Raises:
        TransientError: Kafka could not be reached.

    """
    wanted = list(municipalities)
    partitions = await changelog_partitions(kafka, group, wanted)
    return [m for m in wanted if not partitions.get(m)]


async def read_summaries(
    kafka: KafkaConnection, group: str, municipalities: Iterable[str]
) -> Summaries:
    """Every case's summary of ``municipalities`` in the group's changelog.

    Raises:
        TransientError: Kafka could not be read.

    """
    wanted = list(municipalities)
    partitions = await changelog_partitions(kafka, group, wanted)
    summaries = Summaries(missing=[m for m in wanted if not partitions.get(m)])
    tasks = [Task(m, p) for m in wanted for p in range(partitions.get(m, 0))]
    if not tasks:
        return summaries
    changelog = KafkaChangelog(
        kafka,
        group,
        partitions,
        partitions=max(partitions.values()),  # for creating topics, which a restore never does
        replication=1,
        max_record_bytes=_FETCH_BYTES,
        client_id="casehub-outcomes",
    )
    for task, table in (await changelog.restore(tasks)).items():
        for key, value in table.items():
            if not key.startswith(_PREFIX):
                continue
            try:
                summaries.cases[task.municipality, key.removeprefix(_PREFIX)] = decode(value)
            except ValidationError:
                summaries.skipped += 1
    return summaries
