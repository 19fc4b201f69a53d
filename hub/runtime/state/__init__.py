"""State in Kafka: partition-scoped tables backed by compacted changelog topics.

- ``task``: the unit of ownership (a municipality's partition) and the current task;
- ``changelog``: the compacted topics (``KafkaChangelog``; ``MemoryChangelog`` for tests);
- ``table``: a group's tables of the tasks this instance owns, write-behind, restored on
  assignment;
- ``store``: a component's named part of its group's table;
- ``rebalance``: restores on assignment and flushes on revocation.
"""

from hub.runtime.state.changelog import Changelog, KafkaChangelog, MemoryChangelog, changelog_config
from hub.runtime.state.store import Store
from hub.runtime.state.table import StateTable, TableListener, TaskMovedError
from hub.runtime.state.task import Task, current_task, in_task, task_of

__all__ = [
    "Changelog",
    "KafkaChangelog",
    "MemoryChangelog",
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
