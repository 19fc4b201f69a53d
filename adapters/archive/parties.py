"""Who a case is about: the child of each hub case, learned from ``CaseOpened``.

``DocumentFiled`` and ``JournalNoteAdded`` name the hub's case, not the child, while the
archive files by party. The archiver remembers the child of every case it sees opened.
``SqliteCaseParties`` keeps that across restarts in a file of the hub's state directory;
the file holds CPR numbers, so it is personal data at rest, as the delivery store is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final, Protocol

from contracts.cpr import Cpr
from hub.runtime.statefile import private_file

__all__ = ["CaseParties", "InMemoryCaseParties", "SqliteCaseParties"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS children (
    municipality TEXT NOT NULL,
    case_id TEXT NOT NULL,
    cpr TEXT NOT NULL,
    PRIMARY KEY (municipality, case_id)
);
"""


class CaseParties(Protocol):
    """The child of each hub case, per municipality."""

    async def remember(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Record that ``case_id`` is about ``child``."""
        ...

    async def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of ``case_id``, or None when its ``CaseOpened`` has not been seen."""
        ...


class InMemoryCaseParties:
    """``CaseParties`` in a dict: lost when the process stops."""

    def __init__(self) -> None:
        self._children: dict[tuple[str, str], Cpr] = {}

    async def remember(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Record that ``case_id`` is about ``child``."""
        self._children[municipality, case_id] = child

    async def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of ``case_id``, or None."""
        return self._children.get((municipality, case_id))

    def __repr__(self) -> str:
        return f"InMemoryCaseParties(cases={len(self._children)})"


class SqliteCaseParties:
    """``CaseParties`` in a SQLite file: survives a restart, so old cases still file."""

    def __init__(self, path: Path) -> None:
        # It keeps each case's child (a CPR number): private to the hub's user.
        self._db = sqlite3.connect(
            private_file(path), isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    async def remember(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Record that ``case_id`` is about ``child`` (a case keeps its child: last one wins)."""
        self._db.execute(
            "INSERT OR REPLACE INTO children VALUES (?, ?, ?)",
            (municipality, case_id, child.reveal()),
        )

    async def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of ``case_id``, or None."""
        row = self._db.execute(
            "SELECT cpr FROM children WHERE municipality = ? AND case_id = ?",
            (municipality, case_id),
        ).fetchone()
        return None if row is None else Cpr(str(row[0]))

    def __repr__(self) -> str:
        return "SqliteCaseParties()"
