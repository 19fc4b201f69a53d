"""The delivery store: what a hub instance must remember across a crash, in one SQLite file.

- **parked records**: per consumer group, case and topic (a lane), the record waiting for a
  retry or in quarantine (the head) and the records of the lane that arrived after it
  (followers), in arrival order. A lane with rows here is parked: its later records wait
  behind.
- **processed events**: per consumer group, the ids of events already handled, so a
  redelivered event is not handled twice.
- **effects**: ids of external side effects already carried out (a letter sent, a payment
  posted), so a redelivery never repeats one.

Rows are written before the Kafka offset is committed, so a crash in between leaves a row
and a redelivery, never a gap; inserts of the same record are ignored. Parking commits with
``synchronous=FULL`` (a parked record exists nowhere else once its offset is committed);
markers use ``NORMAL`` (a lost marker costs a duplicate handling, which the deterministic ids
make harmless). The file holds personal data: it is created readable by its owner only.

One store belongs to one hub instance: run one instance per consumer group, with the store
on a persistent volume.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from hub.runtime.statefile import private_file

__all__ = ["DeliveryStore", "Parked", "ParkedState", "StoredRecord"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS parked (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    grp TEXT NOT NULL,
    case_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    key BLOB,
    value BLOB,
    headers TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('retry', 'waiting', 'quarantined')),
    attempt INTEGER NOT NULL,
    due_at REAL NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (grp, topic, partition, "offset")
);
CREATE INDEX IF NOT EXISTS parked_by_lane ON parked (grp, case_id, topic, seq);
CREATE TABLE IF NOT EXISTS processed (
    grp TEXT NOT NULL,
    event_id TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (grp, event_id)
);
CREATE TABLE IF NOT EXISTS effects (
    effect_id TEXT PRIMARY KEY,
    at REAL NOT NULL
);
"""


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


@dataclass(frozen=True, slots=True)
class Parked:
    """One parked row."""

    seq: int
    group: str
    case_id: str
    record: StoredRecord
    state: ParkedState
    attempt: int
    due_at: float
    reason: str


class DeliveryStore:
    """Parked records, processed event ids and carried-out effects, durable in SQLite."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            private_file(path), isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    # parked records -------------------------------------------------------------------

    def park(  # noqa: PLR0913 - one row's columns
        self,
        group: str,
        case_id: str,
        record: StoredRecord,
        *,
        state: ParkedState,
        attempt: int,
        due_at: float,
        reason: str,
    ) -> None:
        """Park a record at the end of its case's line (a second park of it is ignored)."""
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            'INSERT OR IGNORE INTO parked (grp, case_id, topic, partition, "offset", key, value,'
            " headers, state, attempt, due_at, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                group,
                case_id,
                record.topic,
                record.partition,
                record.offset,
                record.key,
                record.value,
                _encode_headers(record.headers),
                state.value,
                attempt,
                due_at,
                reason,
            ),
        )

    def is_parked(self, group: str, case_id: str, topic: str) -> bool:
        """True while any record of the case on this topic waits in this group."""
        row = self._db.execute(
            "SELECT 1 FROM parked WHERE grp = ? AND case_id = ? AND topic = ? LIMIT 1",
            (group, case_id, topic),
        ).fetchone()
        return row is not None

    def parked_lanes(self, group: str, case_ids: Collection[str]) -> set[tuple[str, str]]:
        """The ``(case_id, topic)`` lanes of these cases that have records waiting in the group.

        One query per chunk of cases, for a fetched batch: asking ``is_parked`` per record
        costs a round trip each.
        """
        lanes: set[tuple[str, str]] = set()
        for chunk in _chunks(list(case_ids)):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT DISTINCT case_id, topic FROM parked"  # noqa: S608 - placeholders only
                f" WHERE grp = ? AND case_id IN ({marks})",
                (group, *chunk),
            ).fetchall()
            lanes.update((case_id, topic) for case_id, topic in rows)
        return lanes

    def head(self, group: str, case_id: str, topic: str) -> Parked | None:
        """The first parked record of the case on this topic, the one the others wait for."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM parked WHERE grp = ? AND case_id = ? AND topic = ?"  # noqa: S608 - constant column list
            " ORDER BY seq LIMIT 1",
            (group, case_id, topic),
        ).fetchone()
        return _parked(row) if row else None

    def due_heads(self, group: str, now: float) -> list[Parked]:
        """Heads that may be handled now: retries whose time has come, and released followers."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM parked p WHERE grp = ? AND state != 'quarantined'"  # noqa: S608
            " AND due_at <= ? AND seq = (SELECT MIN(seq) FROM parked q"
            " WHERE q.grp = p.grp AND q.case_id = p.case_id AND q.topic = p.topic)"
            " ORDER BY due_at, seq",
            (group, now),
        ).fetchall()
        return [_parked(row) for row in rows]

    def next_due_at(self, group: str) -> float | None:
        """When the earliest waiting head becomes due (None when nothing waits)."""
        row = self._db.execute(
            "SELECT MIN(due_at) FROM parked p WHERE grp = ? AND state != 'quarantined'"
            " AND seq = (SELECT MIN(seq) FROM parked q"
            " WHERE q.grp = p.grp AND q.case_id = p.case_id AND q.topic = p.topic)",
            (group,),
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def reschedule(self, seq: int, *, attempt: int, due_at: float, reason: str) -> None:
        """Record a failed attempt of a parked head and when to try again."""
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "UPDATE parked SET state = 'retry', attempt = ?, due_at = ?, reason = ? WHERE seq = ?",
            (attempt, due_at, reason, seq),
        )

    def replace_head(self, seq: int, record: StoredRecord, *, reason: str) -> None:
        """Put ``record`` (a replay) in the place of the parked row ``seq``, due at once."""
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            'UPDATE parked SET topic = ?, partition = ?, "offset" = ?, key = ?, value = ?,'
            " headers = ?, state = 'retry', attempt = 0, due_at = 0, reason = ? WHERE seq = ?",
            (
                record.topic,
                record.partition,
                record.offset,
                record.key,
                record.value,
                _encode_headers(record.headers),
                reason,
                seq,
            ),
        )

    def mark_quarantined(self, seq: int, reason: str) -> None:
        """The head went to the quarantine; its case waits for the replay."""
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "UPDATE parked SET state = 'quarantined', reason = ? WHERE seq = ?", (reason, seq)
        )

    def remove(self, seq: int) -> None:
        """The record is done: the next one of its case (if any) becomes the head."""
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("DELETE FROM parked WHERE seq = ?", (seq,))

    def parked_count(self, group: str | None = None) -> int:
        """How many records wait (in one group, or in all)."""
        if group is None:
            row = self._db.execute("SELECT COUNT(*) FROM parked").fetchone()
        else:
            row = self._db.execute("SELECT COUNT(*) FROM parked WHERE grp = ?", (group,)).fetchone()
        return int(row[0])

    # processed events and effects -------------------------------------------------------

    def was_processed(self, group: str, event_id: str) -> bool:
        """True when the group has handled this event before."""
        row = self._db.execute(
            "SELECT 1 FROM processed WHERE grp = ? AND event_id = ?", (group, event_id)
        ).fetchone()
        return row is not None

    def processed_among(self, group: str, event_ids: Collection[str]) -> set[str]:
        """The ids among ``event_ids`` that the group has handled before (one query a chunk)."""
        found: set[str] = set()
        for chunk in _chunks(list(event_ids)):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT event_id FROM processed WHERE grp = ? AND event_id IN ({marks})",  # noqa: S608 - placeholders only
                (group, *chunk),
            ).fetchall()
            found.update(event_id for (event_id,) in rows)
        return found

    def mark_processed(self, group: str, event_id: str) -> None:
        """Remember that the group handled the event."""
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "INSERT OR IGNORE INTO processed (grp, event_id, at) VALUES (?, ?, ?)",
            (group, event_id, time.time()),
        )

    def mark_processed_many(self, group: str, event_ids: list[str]) -> None:
        """Remember a batch of handled events, in one transaction."""
        if not event_ids:
            return
        now = time.time()
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO processed (grp, event_id, at) VALUES (?, ?, ?)",
                [(group, event_id, now) for event_id in event_ids],
            )

    def effect_done(self, effect_id: str) -> bool:
        """True when the external effect with this id was carried out before."""
        row = self._db.execute("SELECT 1 FROM effects WHERE effect_id = ?", (effect_id,)).fetchone()
        return row is not None

    def record_effect(self, effect_id: str) -> None:
        """Remember that the external effect was carried out."""
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "INSERT OR IGNORE INTO effects (effect_id, at) VALUES (?, ?)", (effect_id, time.time())
        )


_COLUMNS = (
    'seq, grp, case_id, topic, partition, "offset", key, value, headers, state, attempt,'
    " due_at, reason"
)


_CHUNK = 500  # bound parameters per query, well under SQLite's limit


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _parked(row: tuple[Any, ...]) -> Parked:
    seq, group, case_id, topic, partition, offset, key, value, headers = row[:9]
    state, attempt, due_at, reason = row[9:]
    record = StoredRecord(topic, partition, offset, key, value, _decode_headers(headers))
    return Parked(seq, group, case_id, record, ParkedState(state), attempt, due_at, reason)


def _encode_headers(headers: tuple[tuple[str, bytes], ...]) -> str:
    return json.dumps([[name, base64.b64encode(value).decode()] for name, value in headers])


def _decode_headers(text: str) -> tuple[tuple[str, bytes], ...]:
    return tuple((name, base64.b64decode(value)) for name, value in json.loads(text))
