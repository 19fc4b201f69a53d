"""A group's state: a key-value table per task, in memory, made durable in the changelog.

The Kafka Streams state-store pattern, at least once:

- a task's table is restored from its changelog partition when the task is assigned, before
  the first record of its partitions is handled, and dropped when it is revoked;
- writes change the table at once and are sent to the changelog behind it (write-behind,
  the latest value per key), and ``flush`` waits until every one is acknowledged; the
  delivery flushes before it commits an offset, so a committed record's state is durable
  and a crash redelivers what was not;
- a write that could not be sent stays pending and goes with the next flush.

Nothing is kept on an instance's disk: a new instance (or one whose files are gone) gets
the same tables from the changelog. Listeners (a component keeping decoded views, such as
the deadline engine) are told when a task is restored or dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Iterator, Mapping
from typing import Protocol

import structlog

from hub.runtime.errors import TransientError
from hub.runtime.state.changelog import Changelog, Write
from hub.runtime.state.task import Task

__all__ = ["StateTable", "TableListener", "TaskMovedError"]

log = structlog.get_logger(__name__)


class TaskMovedError(TransientError):
    """The task is not (or no longer) this instance's: its owner handles the record."""


class TableListener(Protocol):
    """Told when this instance gains or loses a task's table."""

    async def restored(self, task: Task, table: Mapping[str, bytes]) -> None:
        """The task's table is here (read-only view; write through the table)."""

    async def dropped(self, task: Task) -> None:
        """The task is gone to another instance; forget what was derived from it."""


class StateTable:
    """One consumer group's tables of the tasks this instance owns."""

    def __init__(self, group: str, changelog: Changelog) -> None:
        self.group = group
        self._changelog = changelog
        self._tables: dict[Task, dict[str, bytes]] = {}
        self._pending: dict[tuple[Task, str], bytes | None] = {}
        self._listeners: list[TableListener] = []
        self._flushing = asyncio.Lock()
        self.assigned_once = asyncio.Event()
        """Set after the first assignment was restored: the group is ready."""

    def listen(self, listener: TableListener) -> None:
        """Tell ``listener`` of every task restored or dropped from now on."""
        self._listeners.append(listener)

    # ownership ------------------------------------------------------------------------

    @property
    def tasks(self) -> frozenset[Task]:
        """The tasks this instance owns now."""
        return frozenset(self._tables)

    def owns(self, task: Task) -> bool:
        """True while ``task`` is this instance's."""
        return task in self._tables

    async def assign(self, tasks: Collection[Task]) -> None:
        """Restore the tables of ``tasks`` not yet here (the others are kept as they are)."""
        new = [task for task in tasks if task not in self._tables]
        restored = await self._changelog.restore(new) if new else {}
        for task in new:
            table = restored.get(task, {})
            self._tables[task] = table
            try:
                for listener in self._listeners:
                    await listener.restored(task, table)
            except Exception as exc:
                # A row a listener cannot read (written by another version, say): the task
                # is not owned half-indexed; the assignment is tried again, and the group
                # is not ready meanwhile.
                await self._abandon(task)
                msg = f"task {task} of {self.group} not restored: {type(exc).__name__}"
                raise TransientError(msg) from exc
        self.assigned_once.set()

    async def _abandon(self, task: Task) -> None:
        self._tables.pop(task, None)
        for listener in self._listeners:
            with contextlib.suppress(Exception):
                await listener.dropped(task)

    async def revoke(self, tasks: Collection[Task]) -> None:
        """Flush, then drop the tables of ``tasks``: their new owner restores them."""
        gone = [task for task in tasks if task in self._tables]
        if not gone:
            return
        try:
            await self.flush()
        except TransientError as exc:
            # The new owner restores what was acknowledged; the records behind what was
            # not are not committed either, so they come again to the new owner.
            log.warning("state_not_flushed_on_revoke", group=self.group, error=str(exc))
        for task in gone:
            del self._tables[task]
            for key in [k for k in self._pending if k[0] == task]:
                del self._pending[key]
            for listener in self._listeners:
                await listener.dropped(task)

    # reading and writing --------------------------------------------------------------

    def get(self, task: Task, key: str) -> bytes | None:
        """The value of ``key`` in ``task``'s table."""
        return self._table(task).get(key)

    def items(self, task: Task, prefix: str = "") -> Iterator[tuple[str, bytes]]:
        """The entries of ``task``'s table whose key starts with ``prefix``."""
        for key, value in list(self._table(task).items()):
            if key.startswith(prefix):
                yield key, value

    def put(self, task: Task, key: str, value: bytes) -> None:
        """Set ``key``; durable after the next ``flush``."""
        self._table(task)[key] = value
        self._pending[task, key] = value

    def delete(self, task: Task, key: str) -> None:
        """Remove ``key``; durable (a tombstone) after the next ``flush``."""
        if self._table(task).pop(key, None) is not None or (task, key) in self._pending:
            self._pending[task, key] = None

    def _table(self, task: Task) -> dict[str, bytes]:
        table = self._tables.get(task)
        if table is None:
            msg = f"task {task} of {self.group} is not on this instance"
            raise TaskMovedError(msg)
        return table

    @property
    def unflushed(self) -> int:
        """How many changes wait for the changelog."""
        return len(self._pending)

    async def flush(self) -> None:
        """Send every pending change and wait until all are acknowledged.

        Raises:
            TransientError: the changelog did not take them; they stay pending.

        """
        async with self._flushing:
            if not self._pending:
                return
            batch = dict(self._pending)
            writes: list[Write] = [(task, key, value) for (task, key), value in batch.items()]
            await self._changelog.write(writes)
            for entry, value in batch.items():
                # Changed again while the batch was under way: that value goes next time.
                if entry in self._pending and self._pending[entry] is value:
                    del self._pending[entry]

    async def close(self) -> None:
        """Send what is still pending (best effort), then release the changelog's connections.

        The offsets behind unsent changes were not committed, so their records come again;
        what a component wrote outside a record (a background task) would be lost.
        """
        try:
            await self.flush()
        except TransientError as exc:
            log.warning("state_not_flushed_on_close", group=self.group, reason=str(exc))
        finally:
            await self._changelog.close()

    async def start(self) -> None:
        """Create the changelog topics and connect."""
        await self._changelog.start()
