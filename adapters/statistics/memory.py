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

It is kept in the stores of the statistics group's state table (``STORES``), in Kafka: the
table of a task (a municipality's partition) is restored from the group's changelog when the
task is assigned, so a restart, a second instance or one that takes a partition over knows
what was learnt, and changes are durable before the offset of the record that made them is
committed. A case's records are on the same partition of every topic, so everything about a
case (its child, its measures, their decisions, reports and held events) is in one task, the
one the record being handled is in. Keys are ids (case, measure, decision, event, report
occurrence), never a CPR number; values hold each case's child's CPR number and held events
(a change's reason may be sensitive): the changelog is personal data at rest.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, unquote

from contracts.cpr import Cpr
from contracts.decision import MeasureKind
from contracts.legal import LegalBasis
from hub.runtime.state import StateTable, Store, Task, current_task

__all__ = ["STORES", "Memory", "PlacementFacts", "SupportingMeasure"]

_MEASURES: Final = "measures"  # measure id → its decided facts
_DECISIONS: Final = "decisions"  # decision id → the measure it decided
_REPORTS: Final = "reports"  # occurrence → the last report on it and its trigger event
_HELD: Final = "held"  # measure id / event id → an event waiting for the decision
_CHILDREN: Final = "children"  # case id → the child's CPR number
_WAITING: Final = "waiting"  # case id / event id → a placement event waiting for the child
_SUPPORTING: Final = "supporting"  # measure id → a supporting measure, for the yearly report
STORES: Final = (_MEASURES, _DECISIONS, _REPORTS, _HELD, _CHILDREN, _WAITING, _SUPPORTING)
"""The reporter's stores, declared in its descriptor."""


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


class Memory:
    """The reporter's memory, in the task of the record being handled (or a given ``task``)."""

    def __init__(self, stores: Mapping[str, Store]) -> None:
        self._measures = stores[_MEASURES]
        self._decisions = stores[_DECISIONS]
        self._reports = stores[_REPORTS]
        self._held = stores[_HELD]
        self._children = stores[_CHILDREN]
        self._waiting = stores[_WAITING]
        self._supporting = stores[_SUPPORTING]

    @classmethod
    def on(cls, table: StateTable) -> Memory:
        """The memory on ``table``'s stores (the group's, or one read for the yearly report)."""
        return cls({name: Store(table, name) for name in STORES})

    @property
    def tasks(self) -> frozenset[Task]:
        """The tasks whose memory is here."""
        return self._measures.tasks

    # decided measures ------------------------------------------------------------------

    def measure(self, measure_id: str) -> PlacementFacts | None:
        """The decided measure, if its decision has been seen (here, or in another case)."""
        found = _find(self._measures, _key(measure_id))
        value = None if found is None else found[1]
        if value is None:
            return None
        row = json.loads(value)
        return PlacementFacts(
            measure_id=measure_id,
            decision_id=row["decision_id"],
            kind=MeasureKind(row["kind"]),
            legal_basis=_basis(row["legal_basis"]),
            sel_basis=None if row["sel_basis"] is None else _basis(row["sel_basis"]),
            consent=bool(row["consent"]),
        )

    def measure_by_decision(self, decision_id: str) -> PlacementFacts | None:
        """The measure a decision decided, if seen."""
        found = _find(self._decisions, _key(decision_id))
        return None if found is None else self.measure(found[1].decode())

    def remember_measure(self, facts: PlacementFacts) -> None:
        """Keep (or replace) a measure's facts."""
        row = {
            "decision_id": facts.decision_id,
            "kind": facts.kind.value,
            "legal_basis": facts.legal_basis.model_dump_json(),
            "sel_basis": None if facts.sel_basis is None else facts.sel_basis.model_dump_json(),
            "consent": facts.consent,
        }
        self._measures.put(_key(facts.measure_id), _json(row))
        self._decisions.put(_key(facts.decision_id), facts.measure_id.encode())

    # reports ---------------------------------------------------------------------------

    def last_report(self, occurrence: str) -> tuple[str, str] | None:
        """(report id, trigger event id) of the last report on an occurrence."""
        value = self._reports.get(_key(occurrence))
        if value is None:
            return None
        report_id, event_id = json.loads(value)
        return str(report_id), str(event_id)

    def remember_report(self, occurrence: str, report_id: str, event_id: str) -> None:
        """Keep the report now last on an occurrence."""
        self._reports.put(_key(occurrence), _json([report_id, event_id]))

    # events held for a measure's decision ----------------------------------------------

    def hold(self, measure_id: str, event_id: str, event_json: str) -> None:
        """Keep an event about a measure whose decision has not been seen yet (once per event)."""
        _hold(self._held, measure_id, event_id, event_json)

    def held(self, measure_id: str) -> list[tuple[str, str]]:
        """(event id, event JSON) held for a measure, oldest first."""
        return _held(self._held, measure_id)

    def held_anywhere(self, measure_id: str) -> list[tuple[Task, str, str]]:
        """(task, event id, event JSON) held for a measure in any task here, oldest first.

        A measure's events may come under another case than its decision (DUBU's
        sub-processes are cases of their own), so on another partition.
        """
        return [
            (task, event_id, event_json)
            for task in sorted(self.tasks)
            for event_id, event_json in _held(self._held, measure_id, task)
        ]

    def release(self, measure_id: str, event_id: str) -> None:
        """Forget a held event once it is handled."""
        self._held.delete(_key(measure_id, event_id))

    # the child of each case, and events held for it ------------------------------------

    def remember_child(self, case_id: str, child: Cpr) -> None:
        """Keep (or replace) the child a case is about: the last ``CaseOpened`` wins."""
        self._children.put(_key(case_id), child.reveal().encode())

    def child_of(self, case_id: str, task: Task | None = None) -> Cpr | None:
        """The child of a case, if its ``CaseOpened`` has been seen."""
        value = self._children.get(_key(case_id), task)
        return None if value is None else Cpr(value.decode())

    def hold_for_case(self, case_id: str, event_id: str, event_json: str) -> None:
        """Keep a placement event of a case whose child is not known yet (once per event)."""
        _hold(self._waiting, case_id, event_id, event_json)

    def held_for_case(self, case_id: str, task: Task | None = None) -> list[tuple[str, str]]:
        """(event id, event JSON) held for a case's child, oldest first."""
        return _held(self._waiting, case_id, task)

    def release_for_case(self, case_id: str, event_id: str) -> None:
        """Forget an event held for a case's child once it is handled."""
        self._waiting.delete(_key(case_id, event_id))

    # supporting measures, for the yearly report ----------------------------------------

    def remember_supporting(self, measure: SupportingMeasure) -> None:
        """Keep (or replace) a supporting measure, from its decision."""
        row = {
            "municipality": measure.municipality,
            "case_id": measure.case_id,
            "kind": measure.kind.value,
            "legal_basis": measure.legal_basis.model_dump_json(),
            "sel_basis": None if measure.sel_basis is None else measure.sel_basis.model_dump_json(),
            "starts_on": measure.starts_on.isoformat(),
            "ends_on": None if measure.ends_on is None else measure.ends_on.isoformat(),
        }
        self._supporting.put(_key(measure.measure_id), _json(row))

    def supporting_ran(
        self, measure_id: str, *, started_on: dt.date | None = None, ended_on: dt.date | None = None
    ) -> None:
        """Record when a kept supporting measure actually started or ended."""
        found = _find(self._supporting, _key(measure_id))
        if found is None:
            return  # not a supporting measure (or its decision not seen): nothing to record
        task, value = found
        row = json.loads(value)
        if started_on is not None:
            row["starts_on"] = started_on.isoformat()
        if ended_on is not None:
            row["ends_on"] = ended_on.isoformat()
        self._supporting.put(_key(measure_id), _json(row), task)

    def supporting_in(self, year: int, task: Task | None = None) -> list[SupportingMeasure]:
        """The task's supporting measures that ran in ``year``, by measure id."""
        found = []
        for key, value in self._supporting.items(task=task):
            row = json.loads(value)
            measure = SupportingMeasure(
                municipality=row["municipality"],
                case_id=row["case_id"],
                measure_id=unquote(key),
                kind=MeasureKind(row["kind"]),
                legal_basis=_basis(row["legal_basis"]),
                sel_basis=None if row["sel_basis"] is None else _basis(row["sel_basis"]),
                starts_on=dt.date.fromisoformat(row["starts_on"]),
                ends_on=None if row["ends_on"] is None else dt.date.fromisoformat(row["ends_on"]),
            )
            if measure.runs_in(year):
                found.append(measure)
        return sorted(found, key=lambda measure: measure.measure_id)

    def __repr__(self) -> str:
        return f"Memory(tasks={len(self.tasks)})"


def _key(*parts: str) -> str:
    """A store key of ids; each is quoted, so an id with a '/' cannot reach another's entries."""
    return "/".join(quote(part, safe="") for part in parts)


def _json(value: Any) -> bytes:  # noqa: ANN401 - any JSON value
    return json.dumps(value, sort_keys=True).encode()


def _basis(text: str) -> LegalBasis:
    return LegalBasis.model_validate_json(text)


def _hold(store: Store, waits_for: str, event_id: str, event_json: str) -> None:
    key = _key(waits_for, event_id)
    if store.get(key) is not None:
        return  # a redelivery: held once
    seqs = [json.loads(value)["seq"] for _, value in store.items(_key(waits_for) + "/")]
    store.put(key, _json({"seq": max(seqs, default=0) + 1, "id": event_id, "event": event_json}))


def _find(store: Store, key: str) -> tuple[Task, bytes] | None:
    """``key`` in the current task, else in another task here: (where, value).

    What a measure's decision left is in the task of the case that decided it; a start or an
    end may come under another case. With several instances, only the tasks this one owns
    are searched (docs/reporting.md: the limit).
    """
    current = current_task()
    order = ([current] if current is not None else []) + sorted(store.tasks - {current})
    for task in order:
        value = store.get(key, task)
        if value is not None:
            return task, value
    return None


def _held(store: Store, waits_for: str, task: Task | None = None) -> list[tuple[str, str]]:
    rows = [json.loads(value) for _, value in store.items(_key(waits_for) + "/", task)]
    return [(row["id"], row["event"]) for row in sorted(rows, key=lambda row: row["seq"])]
