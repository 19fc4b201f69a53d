"""State in Kafka: partition-scoped tables backed by compacted changelog topics.

- ``task``: the unit of ownership (a municipality's partition) and the current task;
- ``changelog``: the compacted topics (``KafkaChangelog``; ``MemoryChangelog`` for tests);
- ``table``: a group's tables of the tasks this instance owns, write-behind, restored on
  assignment;
- ``store``: a component's named part of its group's table;
- ``rebalance``: restores on assignment and flushes on revocation;
- ``global_table``: a group's records every instance holds whole (``GlobalTable``), for
  lookups across tasks.
"""

from hub.runtime.state.changelog import Changelog, KafkaChangelog, MemoryChangelog, changelog_config
from hub.runtime.state.global_table import GlobalStore, GlobalTable, SharedTable
from hub.runtime.state.store import Store
from hub.runtime.state.table import StateTable, TableListener, TaskMovedError
from hub.runtime.state.task import Task, current_task, in_task, task_of

__all__ = [
    "Changelog",
    "GlobalStore",
    "GlobalTable",
    "KafkaChangelog",
    "MemoryChangelog",
    "SharedTable",
    "StateTable",
    "Store",
    "TableListener",
    "Task",
    "TaskMovedError",
    "changelog_config",
    "current_task",
    "in_task",
    "task_of",
]
