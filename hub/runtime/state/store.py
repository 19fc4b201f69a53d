"""A component's store: one named part of its group's table, in the task being handled.

A component declares its stores in its descriptor (``ComponentSpec.stores``) and gets each
from the hub (``BuildContext.store``). Inside a handler the store reads and writes the
record's task (``hub.runtime.state.task``); a background task passes the task itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from hub.runtime.errors import TransientError
from hub.runtime.state.table import StateTable
from hub.runtime.state.task import Task, current_task

__all__ = ["Store"]


class Store:
    """Keys of one store (``<name>/<key>`` in the table) in the current or a given task."""

    def __init__(self, table: StateTable, name: str) -> None:
        if "/" in name:
            msg = "a store's name has no '/'"
            raise ValueError(msg)
        self._table = table
        self._prefix = f"{name}/"

    @property
    def tasks(self) -> frozenset[Task]:
        """The tasks this instance owns now."""
        return self._table.tasks

    def get(self, key: str, task: Task | None = None) -> bytes | None:
        """The value of ``key``."""
        return self._table.get(_task(task), self._prefix + key)

    def put(self, key: str, value: bytes, task: Task | None = None) -> None:
        """Set ``key`` (durable before the record's offset is committed)."""
        self._table.put(_task(task), self._prefix + key, value)

    def delete(self, key: str, task: Task | None = None) -> None:
        """Remove ``key``."""
        self._table.delete(_task(task), self._prefix + key)

    def items(self, prefix: str = "", task: Task | None = None) -> Iterator[tuple[str, bytes]]:
        """The store's entries whose key starts with ``prefix``."""
        start = len(self._prefix)
        for key, value in self._table.items(_task(task), self._prefix + prefix):
            yield key[start:], value

    async def flush(self) -> None:
        """Wait until every change so far is durable (before an effect that must follow it)."""
        await self._table.flush()

    def __repr__(self) -> str:
        return f"Store({self._prefix[:-1]!r}, tasks={len(self._table.tasks)})"


def _task(task: Task | None) -> Task:
    task = task or current_task()
    if task is None:
        msg = "a store is used outside a record's task"
        raise TransientError(msg)
    return task
