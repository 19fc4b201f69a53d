"""The extract's tables for one scope (a municipality, or all of them): built from the model.

================  ============================================================
table             one row per
================  ============================================================
measures          measure kind and legal basis: how many, for how many children, how long,
                  at what cost (finance's commitments, else the expected cost)
conditions        condition (ICS dimension): severity before and after the same measure
progression       instrument, measure kind and pair of time points: mean scores and change
goal_attainment   measure kind and attainment: the latest assessment of each goal
child_measures    measure, under the child's pseudonym (no CPR number; microdata)
================  ============================================================

A measure is in the period when it runs on a day of it; an assessment, a measurement or a
goal's attainment when it is dated in it (for a before/after pair: the later one).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from contracts.codelists import CONDITIONS, GoalAttainment, Instrument, TimePoint
from contracts.ics import IcsDimension
from hub.components.outcomes.model import CaseKey, CaseOutcomes, Measurement, MeasureSeen
from hub.components.outcomes.table import Cell, Column, Table

__all__ = ["Period", "child_ref", "tables"]

_NO_MEASURE = "none"


@dataclass(frozen=True)
class Period:
    """From a day to a day, both included."""

    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        """Whether ``day`` is in the period."""
        return self.start <= day <= self.end

    def overlaps(self, measure: MeasureSeen) -> bool:
        """Whether the measure runs on a day of the period."""
        ended = measure.ended_on or dt.date.max
        return measure.first_day <= self.end and ended >= self.start


def child_ref(key: CaseKey, case: CaseOutcomes) -> str:
    """Who the child is, for counting and the pseudonym: the CPR number, else the case."""
    return case.child or f"case:{key[0]}:{key[1]}"


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def _children(description: str = "Distinct children counted in the row.") -> Column:
    return Column("children", "integer", description)


def tables(
    cases: dict[CaseKey, CaseOutcomes], period: Period, pseudonym: Callable[[str], str]
) -> list[Table]:
    """Every table of one scope's extract (before suppression)."""
    return [
        _measures(cases, period),
        _conditions(cases, period),
        _progression(cases, period),
        _goals(cases, period),
        _child_measures(cases, period, pseudonym),
    ]


def _measures(cases: dict[CaseKey, CaseOutcomes], period: Period) -> Table:
    groups: dict[tuple[str, str], list[tuple[str, MeasureSeen]]] = defaultdict(list)
    for key, case in cases.items():
        for measure in case.measures.values():
            if period.overlaps(measure):
                groups[measure.kind, measure.legal_basis].append((child_ref(key, case), measure))
    rows: list[tuple[Cell, ...]] = []
    for (kind, basis), found in sorted(groups.items()):
        days = [d for _, m in found if (d := m.duration_days()) is not None]
        costs = [c for _, m in found if (c := m.cost()) is not None]
        rows.append((kind, basis, len(found), len({c for c, _ in found}), len(days), _mean(days),
                     float(statistics.median(days)) if days else None, len(costs),
                     sum(committed for _, committed in costs),
                     _mean([float(cost) for cost, _ in costs])))  # fmt: skip
    columns = (
        Column("measure_kind", "string", "The measure (MeasureKind: BL §32 nr. 1-8, §46, §47, "
               "§49).", key=True),
        Column("legal_basis", "string", "The paragraph decided under, as case workers write "
               "it (Barnets Lov or Serviceloven).", key=True),
        Column("measures", "integer", "Measures running on a day of the period."),
        _children(),
        Column("ended", "integer", "Of those, measures that have ended (their duration known)."),
        Column("mean_duration_days", "number", "Mean days from first to last day, ended only."),
        Column("median_duration_days", "number", "Median days, ended measures only."),
        Column("costed", "integer", "Of those, measures with a cost (committed or expected)."),
        Column("committed", "integer", "Of the costed, those whose cost is finance's committed "
               "amount (the sum of its CommitmentCreated); the others', the expected cost."),
        Column("mean_cost_dkk", "number", "Mean cost in DKK over the measure's period: "
               "finance's commitment when there is one, else the expected cost as decided or "
               "last changed (MeasureDecided, MeasureChanged)."),
    )  # fmt: skip
    return Table("measures", "Measures by kind and legal basis.", columns, rows, "children")


def _conditions(cases: dict[CaseKey, CaseOutcomes], period: Period) -> Table:
    pairs: dict[IcsDimension, list[tuple[str, int, int]]] = defaultdict(list)
    for key, case in cases.items():
        seen = sorted(case.conditions.values(), key=lambda c: c.on)
        for measure_id in {c.measure_id for c in seen if c.measure_id is not None}:
            for dimension in IcsDimension:
                mine = [c for c in seen if c.measure_id == measure_id and c.dimension is dimension]
                before = [c for c in mine if c.time_point is TimePoint.BEFORE]
                after = [c for c in mine if c.time_point is TimePoint.AFTER]
                if before and after and period.holds(after[-1].on):
                    pairs[dimension].append(
                        (child_ref(key, case), before[0].severity, after[-1].severity)
                    )
    rows: list[tuple[Cell, ...]] = []
    for dimension in IcsDimension:
        found = pairs.get(dimension, [])
        if not found:
            continue
        rows.append((dimension.value, CONDITIONS.label(dimension), len({c for c, _, _ in found}),
                     _mean([b for _, b, _ in found]), _mean([a for _, _, a in found]),
                     sum(a < b for _, b, a in found), sum(a == b for _, b, a in found),
                     sum(a > b for _, b, a in found)))  # fmt: skip
    columns = (
        Column("dimension", "string", "The condition (code list 'conditions').", key=True),
        Column("dimension_label", "string", "Its Danish label.", key=True),
        _children("Children with the condition assessed before and after the same measure."),
        Column("mean_severity_before", "number", "Mean severity before (0 none … 4 complete)."),
        Column("mean_severity_after", "number", "Mean severity after the measure."),
        Column("improved", "integer", "Pairs whose severity fell."),
        Column("unchanged", "integer", "Pairs whose severity stayed."),
        Column("worsened", "integer", "Pairs whose severity rose."),
    )
    return Table("conditions", "Conditions before and after a measure.", columns, rows, "children")


_ORDER = (TimePoint.BEFORE, TimePoint.DURING, TimePoint.AFTER)


def _progression(cases: dict[CaseKey, CaseOutcomes], period: Period) -> Table:
    pairs: dict[tuple[str, str, str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for key, case in cases.items():
        by_measure: dict[tuple[str, Instrument], list[Measurement]] = defaultdict(list)
        for m in sorted(case.measurements.values(), key=lambda m: m.on):
            by_measure[m.measure_id, m.instrument].append(m)
        for (measure_id, instrument), measured in by_measure.items():
            measure = case.measures.get(measure_id)
            kind = measure.kind if measure is not None else _NO_MEASURE
            for early, late in combinations(_ORDER, 2):
                first = [m for m in measured if m.time_point is early]
                last = [m for m in measured if m.time_point is late]
                if first and last and period.holds(last[-1].on):
                    pairs[instrument.value, kind, early.value, late.value].append(
                        (child_ref(key, case), first[0].score, last[-1].score)
                    )
    rows: list[tuple[Cell, ...]] = []
    for group, found in sorted(pairs.items()):
        change = [b - a for _, a, b in found]
        rows.append((*group, len({c for c, _, _ in found}), _mean([a for _, a, _ in found]),
                     _mean([b for _, _, b in found]), _mean(change)))  # fmt: skip
    columns = (
        Column("instrument", "string", "trivselslinealen (1-10), sdq (total difficulties "
               "0-40), ors or srs (total 0-40).", key=True),
        Column("measure_kind", "string", "The measure the scores belong to.", key=True),
        Column("from_time_point", "string", "The earlier time point (code list "
               "'time_points').", key=True),
        Column("to_time_point", "string", "The later time point.", key=True),
        _children("Children measured at both time points of the same measure."),
        Column("mean_from", "number", "Mean score at the earlier time point (first measured)."),
        Column("mean_to", "number", "Mean score at the later time point (last measured)."),
        Column("mean_change", "number", "Mean of later minus earlier score; for SDQ a fall "
               "is an improvement."),
    )  # fmt: skip
    return Table("progression", "Progression between time points.", columns, rows, "children")


def _goals(cases: dict[CaseKey, CaseOutcomes], period: Period) -> Table:
    groups: dict[tuple[str, GoalAttainment], list[str]] = defaultdict(list)
    for key, case in cases.items():
        for goal in case.goals.values():
            if period.holds(goal.on):
                measure = case.measures.get(goal.measure_id or "")
                kind = measure.kind if measure is not None else _NO_MEASURE
                groups[kind, goal.attainment].append(child_ref(key, case))
    rows: list[tuple[Cell, ...]] = [
        (kind, attainment.value, len(children), len(set(children)))
        for (kind, attainment), children in sorted(groups.items())
    ]
    columns = (
        Column("measure_kind", "string", "The measure working towards the goal, or 'none'.",
               key=True),
        Column("attainment", "string", "Latest attainment (code list 'goal_attainment').",
               key=True),
        Column("goals", "integer", "Goals of children's plans with that latest attainment."),
        _children(),
    )  # fmt: skip
    return Table("goal_attainment", "Goal attainment in children's plans.", columns, rows,
                 "children")  # fmt: skip


def _child_measures(
    cases: dict[CaseKey, CaseOutcomes], period: Period, pseudonym: Callable[[str], str]
) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for key, case in cases.items():
        for measure_id, measure in case.measures.items():
            if not period.overlaps(measure):
                continue
            wellbeing = [m for m in sorted(case.measurements.values(), key=lambda m: m.on)
                         if m.measure_id == measure_id
                         and m.instrument is Instrument.TRIVSELSLINEALEN]  # fmt: skip
            rows.append((pseudonym(child_ref(key, case)), measure.kind, measure.legal_basis,
                         measure.first_day.strftime("%Y-%m"), measure.duration_days(),
                         _first(wellbeing, TimePoint.BEFORE),
                         _last(wellbeing, TimePoint.AFTER)))  # fmt: skip
    rows.sort(key=lambda r: tuple("" if c is None else str(c) for c in r))
    columns = (
        Column("child", "string", "The child's pseudonym for this recipient (HMAC-SHA256 of "
               "the child with the recipient's key); never a CPR number."),
        Column("measure_kind", "string", "The measure."),
        Column("legal_basis", "string", "The paragraph decided under."),
        Column("start_month", "string", "The month the measure started (YYYY-MM)."),
        Column("duration_days", "integer", "Days from first to last day; blank while it runs."),
        Column("wellbeing_before", "integer", "Trivselslinealen before the measure (first)."),
        Column("wellbeing_after", "integer", "Trivselslinealen after the measure (last)."),
    )  # fmt: skip
    return Table("child_measures", "Each measure under the child's pseudonym.", columns, rows)


def _first(found: Iterable[Measurement], at: TimePoint) -> int | None:
    return next((m.score for m in found if m.time_point is at), None)


def _last(found: Iterable[Measurement], at: TimePoint) -> int | None:
    scores = [m.score for m in found if m.time_point is at]
    return scores[-1] if scores else None
