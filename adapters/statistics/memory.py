"""What the reporter remembers between events: measures, children, reports, held events.

Measure events (started, changed, ended) do not say whether the measure is a placement, so
the reporter keeps the facts of every ``MeasureDecided`` by measure id. No placement or
measure event names the child either, while Danmarks Statistik registers a placement on the
child's CPR number, so the reporter keeps the child of every case from its ``CaseOpened``.
It also keeps the last report per reported occurrence, so a second, different event about
the same occurrence becomes a correction that names the earlier report instead of a new
report. And it keeps each supporting measure (BL §32) with its case and the days it runs,
from its decision, start and end, for the yearly report (``adapters.statistics.yearly``).

An event that cannot be reported yet is held here, not retried: a measure event before its
decision, and a placement event before its case's ``CaseOpened``. They come on other topics
than what they wait for, so there is no order between them, and the delivery policy parks
a case's later records behind one it retries: the decision or the ``CaseOpened`` would wait
behind the very event that waits for it. A held event is reported when what it waits for
is handled, and forgotten only after that. Inserts of the same event are ignored, so a
redelivery holds it once.

SQLite (a file under the hub's state directory, written with ``synchronous=FULL`` before
the Kafka offset is committed), so it survives a restart; ``":memory:"`` for tests. The
file holds each case's child's CPR number and held events (a change's reason may be
sensitive): personal data at rest, created readable by its owner only, like the delivery
store.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from contracts.cpr import Cpr
from contracts.decision import MeasureKind
from contracts.legal import LegalBasis
from hub.runtime.statefile import private_file

__all__ = ["Memory", "PlacementFacts", "SqliteMemory", "SupportingMeasure"]


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


@dataclass(frozen=True, slots=True)
class SupportingMeasure:
    """A supporting measure (BL §32 stk. 1) as the yearly report needs it.

    ``starts_on`` and ``ends_on`` are the decided period until the measure's
    ``MeasureStarted`` and ``MeasureEnded`` say when it actually started and ended.
    """

    municipality: str
    case_id: str
    measure_id: str
    kind: MeasureKind
    legal_basis: LegalBasis
    sel_basis: LegalBasis | None
    starts_on: dt.date
    ends_on: dt.date | None

    def runs_in(self, year: int) -> bool:
        """The measure ran on at least one day of ``year``."""
        return self.starts_on.year <= year and (self.ends_on is None or self.ends_on.year >= year)


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

    def remember_child(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Keep (or replace) the child a case is about, from its ``CaseOpened``."""
        ...

    def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of a case, if its ``CaseOpened`` has been seen."""
        ...

    def hold_for_case(
        self, municipality: str, case_id: str, event_id: str, event_json: str
    ) -> None:
        """Keep a placement event of a case whose child is not known yet."""
        ...

    def held_for_case(self, municipality: str, case_id: str) -> list[tuple[str, str]]:
        """(event id, event JSON) held for a case's child, oldest first."""
        ...

    def release_for_case(self, municipality: str, case_id: str, event_id: str) -> None:
        """Forget an event held for a case's child once it is handled."""
        ...

    def remember_supporting(self, measure: SupportingMeasure) -> None:
        """Keep (or replace) a supporting measure, from its decision."""
        ...

    def supporting_ran(
        self, measure_id: str, *, started_on: dt.date | None = None, ended_on: dt.date | None = None
    ) -> None:
        """Record when a kept supporting measure actually started or ended."""
        ...

    def supporting_in(self, municipality: str, year: int) -> list[SupportingMeasure]:
        """The municipality's supporting measures that ran in ``year``, by measure id."""
        ...


class SqliteMemory:
    """``Memory`` in one SQLite file."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        if str(path) != ":memory:":
            private_file(Path(path))
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA synchronous=FULL")
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
            CREATE TABLE IF NOT EXISTS children (
                municipality TEXT NOT NULL, case_id TEXT NOT NULL, cpr TEXT NOT NULL,
                PRIMARY KEY (municipality, case_id));
            CREATE TABLE IF NOT EXISTS held_for_case (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, municipality TEXT NOT NULL,
                case_id TEXT NOT NULL, event_id TEXT NOT NULL UNIQUE, event_json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS held_for_case_by_case
                ON held_for_case (municipality, case_id, seq);
            CREATE TABLE IF NOT EXISTS supporting (
                measure_id TEXT PRIMARY KEY, municipality TEXT NOT NULL, case_id TEXT NOT NULL,
                kind TEXT NOT NULL, legal_basis TEXT NOT NULL, sel_basis TEXT,
                starts_on TEXT NOT NULL, ends_on TEXT);
            CREATE INDEX IF NOT EXISTS supporting_by_municipality ON supporting (municipality);
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

    def remember_child(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Keep (or replace) the child a case is about: the last ``CaseOpened`` wins."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO children VALUES (?, ?, ?)",
                (municipality, case_id, child.reveal()),
            )

    def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of a case, if its ``CaseOpened`` has been seen."""
        row = self._db.execute(
            "SELECT cpr FROM children WHERE municipality = ? AND case_id = ?",
            (municipality, case_id),
        ).fetchone()
        return None if row is None else Cpr(str(row[0]))

    def hold_for_case(
        self, municipality: str, case_id: str, event_id: str, event_json: str
    ) -> None:
        """Keep a placement event of a case whose child is not known yet (once per event)."""
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO held_for_case (municipality, case_id, event_id, event_json)"
                " VALUES (?, ?, ?, ?)",
                (municipality, case_id, event_id, event_json),
            )

    def held_for_case(self, municipality: str, case_id: str) -> list[tuple[str, str]]:
        """(event id, event JSON) held for a case's child, oldest first."""
        rows = self._db.execute(
            "SELECT event_id, event_json FROM held_for_case"
            " WHERE municipality = ? AND case_id = ? ORDER BY seq",
            (municipality, case_id),
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def release_for_case(self, municipality: str, case_id: str, event_id: str) -> None:
        """Forget an event held for a case's child once it is handled."""
        with self._db:
            self._db.execute(
                "DELETE FROM held_for_case WHERE municipality = ? AND case_id = ? AND event_id = ?",
                (municipality, case_id, event_id),
            )

    def remember_supporting(self, measure: SupportingMeasure) -> None:
        """Keep (or replace) a supporting measure, from its decision."""
        sel = measure.sel_basis
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO supporting VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    measure.measure_id,
                    measure.municipality,
                    measure.case_id,
                    measure.kind.value,
                    measure.legal_basis.model_dump_json(),
                    None if sel is None else sel.model_dump_json(),
                    measure.starts_on.isoformat(),
                    None if measure.ends_on is None else measure.ends_on.isoformat(),
                ),
            )

    def supporting_ran(
        self, measure_id: str, *, started_on: dt.date | None = None, ended_on: dt.date | None = None
    ) -> None:
        """Record when a kept supporting measure actually started or ended."""
        with self._db:
            if started_on is not None:
                self._db.execute(
                    "UPDATE supporting SET starts_on = ? WHERE measure_id = ?",
                    (started_on.isoformat(), measure_id),
                )
            if ended_on is not None:
                self._db.execute(
                    "UPDATE supporting SET ends_on = ? WHERE measure_id = ?",
                    (ended_on.isoformat(), measure_id),
                )

    def supporting_in(self, municipality: str, year: int) -> list[SupportingMeasure]:
        """The municipality's supporting measures that ran in ``year``, by measure id."""
        rows = self._db.execute(
            "SELECT measure_id, case_id, kind, legal_basis, sel_basis, starts_on, ends_on"
            " FROM supporting WHERE municipality = ? ORDER BY measure_id",
            (municipality,),
        ).fetchall()
        found = (
            SupportingMeasure(
                municipality=municipality,
                case_id=row[1],
                measure_id=row[0],
                kind=MeasureKind(row[2]),
                legal_basis=LegalBasis.model_validate_json(row[3]),
                sel_basis=None if row[4] is None else LegalBasis.model_validate_json(row[4]),
                starts_on=dt.date.fromisoformat(row[5]),
                ends_on=None if row[6] is None else dt.date.fromisoformat(row[6]),
            )
            for row in rows
        )
        return [measure for measure in found if measure.runs_in(year)]

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def __repr__(self) -> str:
        return "SqliteMemory()"
