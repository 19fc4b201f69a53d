"""What the Digital Post adapter has sent, durably: so receipts find their case again.

A receipt names only the message id (the ``LetterRequested`` event id). To publish
``LetterDelivered`` on the right topic and case, the adapter keeps each sent letter's
envelope facts, and the receipt feed's cursor, in a small SQLite file of its own.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from hub.runtime.statefile import private_file

__all__ = ["SentLetter", "SentLetters"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    message_id TEXT PRIMARY KEY,
    letter_id TEXT NOT NULL,
    municipality TEXT NOT NULL,
    case_id TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), since INTEGER NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class SentLetter:
    """The envelope facts of a sent letter's request."""

    message_id: str
    letter_id: str
    municipality: str
    case_id: str
    correlation_id: str
    settled: bool


class SentLetters:
    """Sent letters by message id, and the receipt cursor."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            private_file(path), isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def remember(self, letter: SentLetter) -> None:
        """Keep a sent letter (again: ignored)."""
        self._db.execute(
            "INSERT OR IGNORE INTO sent VALUES (?, ?, ?, ?, ?, 0)",
            (
                letter.message_id,
                letter.letter_id,
                letter.municipality,
                letter.case_id,
                letter.correlation_id,
            ),
        )

    def find(self, message_id: str) -> SentLetter | None:
        """The sent letter with this message id, if this adapter sent it."""
        row = self._db.execute("SELECT * FROM sent WHERE message_id = ?", (message_id,)).fetchone()
        if row is None:
            return None
        message, letter, municipality, case, correlation, settled = row
        return SentLetter(message, letter, municipality, case, correlation, settled=bool(settled))

    def settle(self, message_id: str) -> None:
        """Its final receipt has been published."""
        self._db.execute("UPDATE sent SET settled = 1 WHERE message_id = ?", (message_id,))

    @property
    def since(self) -> int:
        """The receipt feed's cursor."""
        row = self._db.execute("SELECT since FROM cursor WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    @since.setter
    def since(self, value: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO cursor (id, since) VALUES (1, ?)", (value,))
