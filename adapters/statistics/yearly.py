"""The yearly report of supporting measures (BL §32 stk. 1), built from the reporter's memory.

Danmarks Statistik collects supporting measures (forebyggende foranstaltninger) once a
year, not within 4 weeks; no public spec says how (docs/statistics-format.md). The
reporter keeps every supporting measure it sees decided, with its case and the days it ran
(``MeasureStarted`` and ``MeasureEnded`` replace the decided period). ``yearly_report``
makes one report of those that ran on a day of the year, each on its case's child;
``report_year`` builds it and sends it with the same client as every other report.

A measure of a case whose ``CaseOpened`` the reporter has not seen has no child to be
registered on: it is left out and counted in ``without_child``, never reported without one.
The report's id derives from the municipality, the year and what it reports, so the same
content is the same report (DST answers a repeat as a duplicate) and new content is a new
report; it does not name the earlier one (corrections of a yearly report are not built).

Run it from the shell against the hub's state directory (the file holds CPR numbers, so it
is written readable by its owner only, and only counts are printed)::

    python -m adapters.statistics.yearly --state-dir DIR --municipality 101 --year 2026 --out F
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from adapters.statistics.format import Report, validate_report
from adapters.statistics.memory import Memory, SqliteMemory, SupportingMeasure
from adapters.statistics.port import Acceptance, StatisticsReceiver
from adapters.statistics.versions import version_for
from contracts.decision import MeasureDecided
from contracts.envelope import Envelope
from hub.runtime.statefile import private_file

__all__ = ["Yearly", "main", "report_year", "supporting_of", "yearly_report"]

_NAMESPACE: Final = uuid.UUID("6a0f2d1e-3c4b-5e6f-8a9b-0c1d2e3f4a5b")


@dataclass(frozen=True, slots=True)
class Yearly:
    """A year's report, and how many measures it had to leave out for want of the child."""

    report: Report
    measures: int
    without_child: int


def supporting_of(envelope: Envelope, data: MeasureDecided) -> SupportingMeasure:
    """What the yearly report keeps of a supporting measure's decision."""
    return SupportingMeasure(
        municipality=envelope.municipality,
        case_id=envelope.caseid,
        measure_id=data.measure_id,
        kind=data.kind,
        legal_basis=data.legal_basis,
        sel_basis=data.sel_basis,
        starts_on=data.period.start,
        ends_on=data.period.end,
    )


def yearly_report(memory: Memory, municipality: str, year: int, *, now: dt.datetime) -> Yearly:
    """The report of the municipality's supporting measures that ran in ``year``, made at ``now``.

    Raises:
        FormatError: the report does not satisfy its format (a bug here, never the data's).

    """
    rows = []
    without_child = 0
    for measure in memory.supporting_in(municipality, year):
        child = memory.child_of(municipality, measure.case_id)
        if child is None:
            without_child += 1
            continue
        rows.append(
            {
                "measure_ref": measure.measure_id,
                "case_ref": measure.case_id,
                "child": {"cpr": child.reveal()},
                "measure_kind": measure.kind.value,
                "legal_basis": str(measure.legal_basis),
                "sel_basis": None if measure.sel_basis is None else str(measure.sel_basis),
                "starts_on": measure.starts_on.isoformat(),
                "ends_on": None if measure.ends_on is None else measure.ends_on.isoformat(),
            }
        )
    record = {"kind": "supporting_measures", "year": year, "measures": rows}
    content = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    version = version_for(now)
    payload = {
        "format_version": version,
        "report_id": str(uuid.uuid5(_NAMESPACE, f"{municipality}/{year}/{content}")),
        "corrects": None,
        "municipality": municipality,
        "created_at": now.isoformat(),
        "record": record,
    }
    report = validate_report(payload, (version,))
    return Yearly(report=report, measures=len(rows), without_child=without_child)


async def report_year(
    client: StatisticsReceiver, memory: Memory, municipality: str, year: int, *, now: dt.datetime
) -> tuple[Yearly, Acceptance]:
    """Build the year's report and send it to Danmarks Statistik.

    Raises:
        ReportRejectedError: DST refused it (its codes say why).
        StatisticsUnavailableError, StatisticsRefusedError: as for every report.

    """
    built = yearly_report(memory, municipality, year, now=now)
    return built, await client.send(built.report)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the year's report to ``--out`` and print its id and counts (never a person)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--municipality", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    path = args.state_dir / "statistics.sqlite3"
    if not path.exists():
        sys.stderr.write(f"no statistics memory in {args.state_dir}\n")
        return 1
    memory = SqliteMemory(path)
    try:
        built = yearly_report(memory, args.municipality, args.year, now=dt.datetime.now(dt.UTC))
    finally:
        memory.close()
    private_file(args.out).write_text(built.report.model_dump_json(indent=2) + "\n")
    summary = {
        "report_id": built.report.report_id,
        "format_version": built.report.format_version,
        "measures": built.measures,
        "without_child": built.without_child,
    }
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - the shell entry point
    raise SystemExit(main())
