"""The reporter's memory on a state table, for offline tests (a plain module, not a conftest)."""

from __future__ import annotations

from adapters.statistics.memory import Memory
from hub.runtime.state import MemoryChangelog, Task, in_task
from tests.state import owned_table

TASKS = [Task("101", 0), Task("751", 0)]
"""The tasks the offline tests own: partition 0 of the municipalities their events name."""


class InTask:
    """A memory whose every call runs in ``task``, as inside a handler of that task's record."""

    def __init__(self, memory: Memory, task: Task = TASKS[0]) -> None:
        self.memory = memory
        self.task = task

    def __getattr__(self, name):
        attribute = getattr(self.memory, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            with in_task(self.task):
                return attribute(*args, **kwargs)

        return call


async def memory_on(changelog: MemoryChangelog | None = None, tasks=TASKS):
    """A reporter's memory on a table that owns ``tasks`` (restored from ``changelog``),
    and the table (to flush it, as the delivery does before it commits)."""
    table = await owned_table("test.statistics", changelog, tasks)
    return Memory.on(table), table


def in_its_task(handler):
    """The handler run as the delivery runs it: inside its record's task (partition 0)."""

    async def handle(event):
        with in_task(Task(event.envelope.municipality, 0)):
            await handler(event)

    return handle
