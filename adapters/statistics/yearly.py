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

The year spans the whole municipality: every partition, whichever instance handled it. So
the report is read from the statistics group's changelog (``read_memory``: every task of
the municipality restored, as a new instance would), not from one instance's memory. It
holds what the hub has made durable, which is everything whose offset it has committed.

Run it from the shell against the hub's broker (the hub's ``CASEHUB_*`` settings give the
defaults: the broker, the group prefix and the partition count; the output holds CPR
numbers, so it is written readable by its owner only, and only counts are printed)::

    python -m adapters.statistics.yearly --bootstrap-servers HOST:9092 --municipality 101 \
        --year 2026 --out F
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from adapters.statistics.format import Report, validate_report
from adapters.statistics.memory import Memory, SupportingMeasure
from adapters.statistics.port import Acceptance, StatisticsReceiver
from adapters.statistics.versions import version_for
from contracts.decision import MeasureDecided
from contracts.envelope import Envelope
from hub.runtime.errors import TransientError
from hub.runtime.quarantine import quarantine_limit
from hub.runtime.state import Changelog, KafkaChangelog, StateTable, Task
from hub.runtime.statefile import private_file

__all__ = [
    "Yearly",
    "main",
    "read_memory",
    "report_year",
    "run",
    "supporting_of",
    "yearly_report",
]

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
    tasks = sorted(task for task in memory.tasks if task.municipality == municipality)
    measures = [(task, m) for task in tasks for m in memory.supporting_in(year, task)]
    for task, measure in sorted(measures, key=lambda found: found[1].measure_id):
        child = memory.child_of(measure.case_id, task)  # a case's records share one task
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


async def read_memory(changelog: Changelog, municipality: str, partitions: int) -> Memory:
    """The reporter's memory of every partition of ``municipality``, read from ``changelog``.

    Raises:
        TransientError: a partition of the changelog could not be read to its end.

    """
    table = StateTable("statistics-yearly", changelog)
    await table.assign([Task(municipality, partition) for partition in range(partitions)])
    return Memory.on(table)


def _options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bootstrap-servers", help="the hub's broker (CASEHUB_BOOTSTRAP_SERVERS)")
    parser.add_argument(
        "--kafka-security", help="how to authenticate to it (CASEHUB_KAFKA_SECURITY, JSON)"
    )
    parser.add_argument("--group-prefix", help="the hub's group prefix (CASEHUB_GROUP_PREFIX)")
    parser.add_argument("--municipality", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args(argv)


async def run(argv: Sequence[str] | None = None) -> int:
    """Write the year's report to ``--out`` and print its id and counts (never a person)."""
    # The composition root's settings and group names (and the reporter's name, whose module
    # imports this one); imported here, as the hub's settings are derived from the registry,
    # which imports this package.
    from adapters.statistics.wiring import NAME  # noqa: PLC0415
    from hub.compose.app import group_of  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.kafka_access import KafkaSecurity  # noqa: PLC0415

    args = _options(argv)
    given: dict[str, Any] = {
        "bootstrap_servers": args.bootstrap_servers,
        "kafka_security": args.kafka_security
        and KafkaSecurity.model_validate_json(args.kafka_security),
        "group_prefix": args.group_prefix,
    }
    settings = Settings(**{name: value for name, value in given.items() if value is not None})
    changelog = KafkaChangelog(
        settings.kafka,
        group_of(settings, NAME),
        [args.municipality],
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
        max_record_bytes=quarantine_limit(settings.max_record_bytes),
        client_id=f"{settings.client_id}-yearly",
    )
    try:
        # The topic's own count: a shell without the hub's settings must not read half of it.
        partitions = await changelog.partitions_of(args.municipality)
        memory = await read_memory(changelog, args.municipality, partitions)
    except TransientError as exc:
        sys.stderr.write(f"could not read the statistics memory: {exc}\n")
        return 1
    finally:
        await changelog.close()
    built = yearly_report(memory, args.municipality, args.year, now=dt.datetime.now(dt.UTC))
    private_file(args.out).write_text(built.report.model_dump_json(indent=2) + "\n")
    summary = {
        "report_id": built.report.report_id,
        "format_version": built.report.format_version,
        "measures": built.measures,
        "without_child": built.without_child,
    }
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The shell entry point: ``run`` in an event loop."""
    return asyncio.run(run(argv))


if __name__ == "__main__":  # pragma: no cover - the shell entry point
    raise SystemExit(main())
