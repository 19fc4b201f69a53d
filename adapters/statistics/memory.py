"""What the reporter remembers between events: the measures decided, and the reports made.

Measure events (started, changed, ended) do not say whether the measure is a placement, so
the reporter keeps the facts of every ``MeasureDecided`` by measure id. It also keeps the
last report per reported occurrence, so a second, different event about the same
occurrence becomes a correction that names the earlier report instead of a new report.
A measure event that arrives before its decision (another topic, so no order between them;
and retrying it would keep the decision, a later record of the same case, waiting behind
it) is held here and reported when the decision comes. SQLite (a file under the hub's
state directory), so it survives a restart; ``":memory:"`` for tests. No CPR number is
stored; a held event keeps its data (a change's reason may be sensitive) until reported, so
the file needs the protection of the hub's other state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from contracts.decision import MeasureKind
from contracts.legal import LegalBasis

__all__ = ["Memory", "PlacementFacts", "SqliteMemory"]


@dataclass(frozen=True, slots=True)
class PlacementFacts:
    """The facts of a decided measure the placement forms need."""

    measure_id: str
    decision_id: str
    kind: MeasureKind
    legal_basis: LegalBasis
    sel_basis: LegalBasis | None
    consent: bool

    @property
    def placement(self) -> bool:
        """The measure is a placement outside the home (§46, §47 or §49)."""
        return self.kind in _PLACEMENTS


_PLACEMENTS = frozenset(
    {
        MeasureKind.PLACEMENT_WITH_CONSENT,
        MeasureKind.PLACEMENT_WITHOUT_CONSENT,
        MeasureKind.PLACEMENT_OF_YOUNG_PERSON,
    }
)


class Memory(Protocol):
    """The reporter's memory (``SqliteMemory``, or any object of this shape)."""

    def measure(self, measure_id: str) -> PlacementFacts | None:
        """The decided measure, if its decision has been seen."""
        ...

    def measure_by_decision(self, decision_id: str) -> PlacementFacts | None:
        """The measure a decision decided, if seen."""
        ...

    def remember_measure(self, facts: PlacementFacts) -> None:
        """Keep (or replace) a measure's facts."""
        ...

    def last_report(self, occurrence: str) -> tuple[str, str] | None:
        """(report id, trigger event id) of the last report on an occurrence."""
        ...

    def remember_report(self, occurrence: str, report_id: str, event_id: str) -> None:
        """Keep the report now last on an occurrence."""
        ...

    def hold(self, measure_id: str, event_id: str, event_json: str) -> None:
        """Keep an event about a measure whose decision has not been seen yet."""
        ...

    def held(self, measure_id: str) -> list[tuple[str, str]]:
        """(event id, event JSON) held for a measure, oldest first."""
        ...

    def release(self, measure_id: str, event_id: str) -> None:
        """Forget a held event once it is handled."""
        ...


class SqliteMemory:
    """``Memory`` in one SQLite file."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self._db = sqlite3.connect(str(path))
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS measures (
                measure_id TEXT PRIMARY KEY, decision_id TEXT NOT NULL, kind TEXT NOT NULL,
                legal_basis TEXT NOT NULL, sel_basis TEXT, consent INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS measures_by_decision ON measures (decision_id);
            CREATE TABLE IF NOT EXISTS reports (
                occurrence TEXT PRIMARY KEY, report_id TEXT NOT NULL, event_id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS held (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, measure_id TEXT NOT NULL,
                event_id TEXT NOT NULL UNIQUE, event_json TEXT NOT NULL);
            """
        )

    def measure(self, measure_id: str) -> PlacementFacts | None:
        """The decided measure, if its decision has been seen."""
        return self._one("measure_id = ?", measure_id)

    def measure_by_decision(self, decision_id: str) -> PlacementFacts | None:
        """The measure a decision decided, if seen."""
        return self._one("decision_id = ?", decision_id)

    def _one(self, where: str, value: str) -> PlacementFacts | None:
        row = self._db.execute(
            "SELECT measure_id, decision_id, kind, legal_basis, sel_basis, consent "  # noqa: S608 - fixed clauses
            f"FROM measures WHERE {where}",
            (value,),
        ).fetchone()
        if row is None:
            return None
        sel = None if row[4] is None else LegalBasis.model_validate_json(row[4])
        basis = LegalBasis.model_validate_json(row[3])
        return PlacementFacts(row[0], row[1], MeasureKind(row[2]), basis, sel, bool(row[5]))

    def remember_measure(self, facts: PlacementFacts) -> None:
        """Keep (or replace) a measure's facts."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO measures VALUES (?, ?, ?, ?, ?, ?)",
                (
                    facts.measure_id,
                    facts.decision_id,
                    facts.kind.value,
                    facts.legal_basis.model_dump_json(),
                    None if facts.sel_basis is None else facts.sel_basis.model_dump_json(),
                    int(facts.consent),
                ),
            )

    def last_report(self, occurrence: str) -> tuple[str, str] | None:
        """(report id, trigger event id) of the last report on an occurrence."""
        row = self._db.execute(
            "SELECT report_id, event_id FROM reports WHERE occurrence = ?", (occurrence,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def remember_report(self, occurrence: str, report_id: str, event_id: str) -> None:
        """Keep the report now last on an occurrence."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO reports VALUES (?, ?, ?)", (occurrence, report_id, event_id)
            )

    def hold(self, measure_id: str, event_id: str, event_json: str) -> None:
        """Keep an event about a measure whose decision has not been seen yet."""
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO held (measure_id, event_id, event_json) VALUES (?, ?, ?)",
                (measure_id, event_id, event_json),
            )

    def held(self, measure_id: str) -> list[tuple[str, str]]:
        """(event id, event JSON) held for a measure, oldest first."""
        rows = self._db.execute(
            "SELECT event_id, event_json FROM held WHERE measure_id = ? ORDER BY seq", (measure_id,)
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def release(self, measure_id: str, event_id: str) -> None:
        """Forget a held event once it is handled."""
        with self._db:
            self._db.execute(
                "DELETE FROM held WHERE measure_id = ? AND event_id = ?", (measure_id, event_id)
            )

    def close(self) -> None:
        """Close the file."""
        self._db.close()
