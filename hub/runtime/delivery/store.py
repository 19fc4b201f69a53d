"""The delivery store: what a consumer group must remember, in its state table (in Kafka).

- **parked records** (``parked/<topic>/<partition>/<offset>``): per case and topic (a lane),
  the record waiting for a retry or in quarantine (the head) and the records of the lane
  that arrived after it (followers), in arrival order (their offsets). A lane with rows
  here is parked: its later records wait behind.
- **processed events** (``done/<event id>``): the ids of events the group has handled, so
  a redelivered or repeated event is not handled twice; forgotten after a retention time.

The rows live in the group's ``StateTable``: in memory for the tasks this instance owns,
made durable in the group's changelog before the offsets behind them are committed (the
delivery flushes first), restored on whichever instance is assigned the partition next.
Indexes (lanes, ids) are derived from the table when a task is restored.

A quarantined head keeps no value: its original bytes are in the quarantine topic, and its
replay brings them back. A row that keeps its record (a retry, a follower) is refused when
it would not fit a changelog record (``max_row_bytes``): a record larger than the hub's own
limit (a topic an operator gave a larger one) would otherwise be refused by the changelog at
every flush, and no offset of the group would be committed again. The delivery quarantines
such a record instead (``RowTooLargeError``).
"""

from __future__ import annotations

import base64
import bisect
import json
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from hub.runtime.errors import PermanentError
from hub.runtime.state.table import StateTable
from hub.runtime.state.task import Task, task_of

__all__ = [
    "DeliveryStore",
    "DeliveryStores",
    "Parked",
    "ParkedState",
    "RowTooLargeError",
    "StoredRecord",
]

_PARKED = "parked/"
_DONE = "done/"


class ParkedState(StrEnum):
    """Why a parked record waits."""

    RETRY = "retry"  # failed transiently; tried again at due_at
    WAITING = "waiting"  # arrived behind an earlier record of its case
    QUARANTINED = "quarantined"  # in quarantine; its case waits for the replay


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A Kafka record as the store keeps it: everything needed to handle or replay it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @property
    def ref(self) -> str:
        """``topic:partition:offset``, the record's address."""
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def task(self) -> Task:
        """The task the record belongs to (its municipality's partition)."""
        return task_of(self.topic, self.partition)


@dataclass(frozen=True, slots=True)
class Parked:
    """One parked row; ``seq`` is its key (the place of the record that first took it)."""

    seq: str
    case_id: str
    record: StoredRecord
    state: ParkedState
    attempt: int
    due_at: float
    reason: str
    place: int
    """Its order in its lane: the offset of the record that first took the row."""

    @property
    def task(self) -> Task:
        """The task the row belongs to (of the record that first took it)."""
        topic, partition = _seq_place(self.seq)
        return task_of(topic, partition)


Lane = tuple[str, str]  # (case id, topic)


class RowTooLargeError(PermanentError):
    """The record is too large to keep in a parked row: the changelog would refuse it."""


class DeliveryStore:
    """One group's parked records and processed ids, kept in its ``StateTable``."""

    def __init__(
        self,
        table: StateTable,
        *,
        processed_retention_s: float = 7 * 86_400,
        max_row_bytes: int | None = None,
    ) -> None:
        self._table = table
        self._retention = processed_retention_s
        self._max_row = max_row_bytes
        self._rows: dict[str, Parked] = {}
        self._lanes: dict[Lane, list[tuple[int, str]]] = {}  # (place, seq), arrival order
        self._done: dict[str, tuple[Task, float]] = {}
        table.listen(self)

    @property
    def group(self) -> str:
        """The consumer group whose store this is."""
        return self._table.group

    async def flush(self) -> None:
        """Make every change durable (before the offsets behind them are committed)."""
        await self._table.flush()

    def owns(self, task: Task) -> bool:
        """True while this instance holds ``task``."""
        return self._table.owns(task)

    # restored and dropped tasks -------------------------------------------------------

    async def restored(self, task: Task, table: Mapping[str, bytes]) -> None:
        """Index the task's rows and ids."""
        for key, value in table.items():
            if key.startswith(_PARKED):
                self._index(_decode_row(key, value))
            elif key.startswith(_DONE):
                self._done[key[len(_DONE) :]] = (task, float(value))

    async def dropped(self, task: Task) -> None:
        """Forget the task's rows and ids (its new owner has them)."""
        for row in [r for r in self._rows.values() if r.task == task]:
            self._unindex(row)
        for event_id in [e for e, (t, _at) in self._done.items() if t == task]:
            del self._done[event_id]

    def _index(self, row: Parked) -> None:
        old = self._rows.get(row.seq)
        if old is not None:
            self._unindex(old)
        self._rows[row.seq] = row
        lane = (row.case_id, _seq_place(row.seq)[0])
        bisect.insort(self._lanes.setdefault(lane, []), (row.place, row.seq))

    def _unindex(self, row: Parked) -> None:
        del self._rows[row.seq]
        lane = (row.case_id, _seq_place(row.seq)[0])
        entries = self._lanes[lane]
        entries.remove((row.place, row.seq))
        if not entries:
            del self._lanes[lane]

    def _save(self, row: Parked) -> None:
        """Write the row (refused, nothing changed, when it would not fit the changelog)."""
        encoded = _encode_row(row)
        size = len(encoded) + len(row.seq)
        if self._max_row is not None and size > self._max_row:
            msg = f"a parked row of {size} bytes is over the changelog's {self._max_row}"
            raise RowTooLargeError(msg)
        self._table.put(row.task, row.seq, encoded)
        self._index(row)

    # parked records -------------------------------------------------------------------

    def park(  # noqa: PLR0913 - one row's columns
        self,
        case_id: str,
        record: StoredRecord,
        *,
        state: ParkedState,
        attempt: int,
        due_at: float,
        reason: str,
    ) -> None:
        """Park a record at the end of its case's line (a second park of it is ignored).

        Raises:
            RowTooLargeError: the row would keep a record too large for the changelog.

        """
        seq = f"{_PARKED}{record.topic}/{record.partition}/{record.offset}"
        if seq in self._rows:
            return
        row = Parked(seq, case_id, _kept(record, state), state, attempt, due_at, reason,
                     record.offset)  # fmt: skip
        self._save(row)

    def is_parked(self, case_id: str, topic: str) -> bool:
        """True while any record of the case on this topic waits."""
        return (case_id, topic) in self._lanes

    def parked_lanes(self, case_ids: Collection[str]) -> set[tuple[str, str]]:
        """The ``(case_id, topic)`` lanes of these cases that have records waiting."""
        wanted = set(case_ids)
        return {lane for lane in self._lanes if lane[0] in wanted}

    def head(self, case_id: str, topic: str) -> Parked | None:
        """The first parked record of the case on this topic, the one the others wait for."""
        entries = self._lanes.get((case_id, topic))
        return self._rows[entries[0][1]] if entries else None

    def _heads(self) -> Iterator[Parked]:
        for entries in self._lanes.values():
            row = self._rows[entries[0][1]]
            if row.state is not ParkedState.QUARANTINED:
                yield row

    def due_heads(self, now: float) -> list[Parked]:
        """Heads that may be handled now: retries whose time has come, and released followers."""
        due = [row for row in self._heads() if row.due_at <= now]
        return sorted(due, key=lambda row: (row.due_at, row.place))

    def next_due_at(self) -> float | None:
        """When the earliest waiting head becomes due (None when nothing waits)."""
        return min((row.due_at for row in self._heads()), default=None)

    def reschedule(self, seq: str, *, attempt: int, due_at: float, reason: str) -> None:
        """Record a failed attempt of a parked head and when to try again."""
        row = self._rows[seq]
        self._save(replace(row, state=ParkedState.RETRY, attempt=attempt, due_at=due_at,
                           reason=reason))  # fmt: skip

    def replace_head(self, seq: str, record: StoredRecord, *, reason: str) -> None:
        """Put ``record`` (a replay) in the place of the parked row ``seq``, due at once.

        Raises:
            RowTooLargeError: the replay is too large for the changelog (the row is kept).

        """
        row = self._rows[seq]
        self._save(replace(row, record=record, state=ParkedState.RETRY, attempt=0,
                           due_at=0.0, reason=reason))  # fmt: skip

    def mark_quarantined(self, seq: str, reason: str) -> None:
        """The head went to the quarantine; its case waits for the replay."""
        row = self._rows[seq]
        state = ParkedState.QUARANTINED
        self._save(replace(row, record=_kept(row.record, state), state=state, reason=reason))

    def remove(self, seq: str) -> None:
        """The record is done: the next one of its case (if any) becomes the head."""
        row = self._rows.get(seq)
        if row is None:
            return
        self._unindex(row)
        self._table.delete(row.task, seq)

    def parked_count(self) -> int:
        """How many records wait in this instance's tasks."""
        return len(self._rows)

    # processed events -------------------------------------------------------------------

    def was_processed(self, event_id: str) -> bool:
        """True when the group has handled this event before."""
        return event_id in self._done

    def processed_among(self, event_ids: Collection[str]) -> set[str]:
        """The ids among ``event_ids`` that the group has handled before."""
        return {event_id for event_id in event_ids if event_id in self._done}

    def mark_processed(self, event_id: str, task: Task) -> None:
        """Remember that the group handled the event (a record of ``task``)."""
        now = time.time()
        self._table.put(task, _DONE + event_id, repr(now).encode())
        self._done[event_id] = (task, now)

    def mark_processed_many(self, handled: Collection[tuple[str, Task]]) -> None:
        """Remember a batch of handled events."""
        for event_id, task in handled:
            if self._table.owns(task):
                self.mark_processed(event_id, task)

    def forget_processed(self, now: float | None = None) -> int:
        """Forget ids older than the retention time (tombstones); how many were forgotten.

        A redelivery comes within minutes; a producer's repeat of an event days later is
        handled again (the handlers' effects are idempotent by the event's id).
        """
        cutoff = (time.time() if now is None else now) - self._retention
        old = [(e, t) for e, (t, at) in self._done.items() if at < cutoff]
        for event_id, task in old:
            del self._done[event_id]
            self._table.delete(task, _DONE + event_id)
        return len(old)


class DeliveryStores(dict[str, DeliveryStore]):
    """Every group's delivery store in this hub, by group id."""

    def parked_count(self, group: str | None = None) -> int:
        """How many records wait (in one group, or in all) in this instance's tasks."""
        if group is not None:
            return self[group].parked_count()
        return sum(store.parked_count() for store in self.values())


def _seq_place(seq: str) -> tuple[str, int]:
    """The topic and partition of the record that first took the row ``seq``."""
    topic, partition, _offset = seq[len(_PARKED) :].rsplit("/", 2)
    return topic, int(partition)


def _kept(record: StoredRecord, state: ParkedState) -> StoredRecord:
    """What a row keeps of its record: a quarantined one's bytes are in the quarantine."""
    if state is ParkedState.QUARANTINED:
        return replace(record, value=None, headers=())
    return record


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def _encode_row(row: Parked) -> bytes:
    record = row.record
    return json.dumps(
        {
            "case": row.case_id,
            "state": row.state.value,
            "attempt": row.attempt,
            "due_at": row.due_at,
            "reason": row.reason,
            "place": row.place,
            "record": {
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "key": _b64(record.key),
                "value": _b64(record.value),
                "headers": [[name, _b64(value)] for name, value in record.headers],
            },
        },
        separators=(",", ":"),
    ).encode()


def _decode_row(seq: str, value: bytes) -> Parked:
    data: dict[str, Any] = json.loads(value)
    raw = data["record"]
    record = StoredRecord(
        raw["topic"],
        raw["partition"],
        raw["offset"],
        _unb64(raw["key"]),
        _unb64(raw["value"]),
        tuple((name, _unb64(v) or b"") for name, v in raw["headers"]),
    )
    return Parked(seq, data["case"], record, ParkedState(data["state"]), data["attempt"],
                  data["due_at"], data["reason"], data["place"])  # fmt: skip
