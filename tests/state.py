"""State tables for offline tests: a ``StateTable`` on a ``MemoryChangelog``, tasks owned.

The real-broker tests use the hub's ``KafkaChangelog``; these keep unit tests fast. A
changelog outlives its table: build a second table on the same changelog to see what a
new instance (or one whose files are gone) restores.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.runtime.delivery import DeliveryStore
from hub.runtime.state import MemoryChangelog, StateTable, Task

MUNICIPALITIES = ("101", "147", "151")
PARTITIONS = range(3)


def all_tasks(
    municipalities: Iterable[str] = MUNICIPALITIES, partitions: Iterable[int] = PARTITIONS
) -> list[Task]:
    """Every task of these municipalities and partitions."""
    numbers = list(partitions)
    return [Task(code, p) for code in municipalities for p in numbers]


async def owned_table(
    group: str = "g", changelog: MemoryChangelog | None = None, tasks: Iterable[Task] | None = None
) -> StateTable:
    """A table that owns ``tasks`` (default: every task of the test municipalities)."""
    table = StateTable(group, changelog or MemoryChangelog())
    await table.assign(list(tasks) if tasks is not None else all_tasks())
    return table


async def delivery_store(
    group: str = "g",
    changelog: MemoryChangelog | None = None,
    *,
    tasks: Iterable[Task] | None = None,
    **options: Any,
) -> DeliveryStore:
    """A delivery store on an owned table (restored from ``changelog`` if given)."""
    table = StateTable(group, changelog or MemoryChangelog())
    store = DeliveryStore(table, **options)
    await table.assign(list(tasks) if tasks is not None else all_tasks())
    return store
