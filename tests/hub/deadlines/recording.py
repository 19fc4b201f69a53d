"""The engine's seams for tests: a clock to move, a recording publisher, a changelog that fails.

The engine runs on a ``StateTable`` over a ``MemoryChangelog`` (``tests/state.py``), owning
every test task; ``engine_on`` builds a new engine on the same changelog to see what the
next owner of the tasks (after a restart or a crash) restores.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from contracts.base import Contract
from contracts.envelope import Event
from hub.clock.tracked import Tracked
from hub.components.deadlines.engine import STORE, DeadlineEngine
from hub.runtime.errors import TransientError
from hub.runtime.state import MemoryChangelog, StateTable, Store, Task, in_task
from hub.runtime.state.changelog import Write
from tests.state import PARTITIONS, all_tasks

__all__ = [
    "Clock",
    "GlobalLog",
    "GlobalView",
    "OnTasks",
    "Published",
    "RecordingChangelog",
    "engine_on",
    "every_deadline",
    "task_of_case",
]


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Published:
    """The broker as the engine sees it: records events; can refuse the next ones."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.refuse = 0

    async def __call__(self, event: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            msg = "publish refused"
            raise TransientError(msg)
        self.events.append(event)
        return "topic"

    def of(self, contract: type) -> list[Any]:
        return [e for e in self.events if isinstance(e.data, contract)]

    def rules(self, contract: type) -> list[str]:
        """The rule ids of the recorded events of one deadline contract, in order."""
        return [e.data.rule_id for e in self.of(contract)]


class RecordingChangelog(MemoryChangelog):
    """The changelog in memory: what the engine's store made durable; refuses the next writes."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = 0
        self.written: list[tuple[str, str]] = []  # (municipality, store key), one per change

    async def write(self, writes: Sequence[Write]) -> None:
        if self.refuse:
            self.refuse -= 1
            msg = "write refused"
            raise TransientError(msg)
        await super().write(writes)
        self.written += [(task.municipality, key) for task, key, _ in writes]

    @property
    def records(self) -> dict[tuple[str, str], bytes]:
        """(municipality, key) → value of every durable record of the engine's store."""
        prefix = f"{STORE}/"
        return {
            (task.municipality, key.removeprefix(prefix)): value
            for task, table in self.tables.items()
            for key, value in table.items()
            if key.startswith(prefix)
        }

    @property
    def store_writes(self) -> list[tuple[str, str]]:
        """(municipality, key) of each change of the engine's store made durable."""
        prefix = f"{STORE}/"
        return [(m, k.removeprefix(prefix)) for m, k in self.written if k.startswith(prefix)]


class GlobalLog:
    """A group's global topics in memory: what was flushed, (municipality, key) → value."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], bytes] = {}
        self.refuse = 0  # refuse the next flushes (the broker is "down")


class GlobalView:
    """One instance's global table on a ``GlobalLog``: its own changes over the log.

    The tail is taken as caught up: another instance's change is seen once it was flushed.
    """

    def __init__(self, log: GlobalLog) -> None:
        self.log = log
        self.pending: dict[tuple[str, str], bytes | None] = {}

    def get(self, municipality: str, key: str) -> bytes | None:
        if (municipality, key) in self.pending:
            return self.pending[municipality, key]
        return self.log.records.get((municipality, key))

    def put(self, municipality: str, key: str, value: bytes) -> None:
        self.pending[municipality, key] = value

    def delete(self, municipality: str, key: str) -> None:
        self.pending[municipality, key] = None

    async def flush(self) -> None:
        if self.log.refuse:
            self.log.refuse -= 1
            msg = "global write refused"
            raise TransientError(msg)
        for entry, value in self.pending.items():
            if value is None:
                self.log.records.pop(entry, None)
            else:
                self.log.records[entry] = value
        self.pending.clear()


def task_of_case(municipality: str, case_id: str) -> Task:
    """The task of a case's records (a stable hash of the key, as the partitioner's is)."""
    return Task(municipality, zlib.crc32(case_id.encode()) % len(PARTITIONS))


class OnTasks(DeadlineEngine):
    """The engine as the delivery drives it: each event in its case's task, then committed.

    The delivery flushes the table before it commits a record's offset; here after every
    event that was handled (one that raised is not committed, and comes again).
    """

    table: StateTable

    async def handle(self, event: Event[Contract]) -> None:
        with in_task(task_of_case(event.envelope.municipality, event.envelope.caseid)):
            await super().handle(event)
        await self.table.flush()


async def engine_on(
    changelog: MemoryChangelog,
    published: Published,
    clock: Clock,
    *,
    tasks: Iterable[Task] | None = None,
    **options: Any,
) -> OnTasks:
    """An engine owning ``tasks`` (default: all), restored from ``changelog``, without grace.

    Without grace, a tick past the due time misses at once.
    """
    table = StateTable("casehub.deadlines", changelog)
    engine = OnTasks(
        publish=published,
        store=Store(table, STORE),
        source="urn:test",
        clock=clock,
        **{"grace": dt.timedelta(0), **options},
    )
    engine.table = table
    table.listen(engine)
    await table.assign(list(tasks) if tasks is not None else all_tasks())
    return engine


def every_deadline(engine: DeadlineEngine) -> list[Tracked]:
    """Every deadline the engine keeps (open or not), earliest due first."""
    found = [t for owned in engine._owned.values() for t in owned.deadlines.values()]
    return sorted(found, key=lambda t: (t.due_at, t.deadline_id))
