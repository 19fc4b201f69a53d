"""``casehub finance``: ``run`` (the month-end run), ``year-end``, ``reconcile``, ``overview``."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeAlias

import click
from pydantic import TypeAdapter, ValidationError

if TYPE_CHECKING:
    from adapters.finance.settings import Rate
    from contracts.decision import MeasureKind
    from hub.compose.settings import Settings
    from hub.runtime.state import KafkaChangelog, StateTable, Task

    _Measures: TypeAlias = tuple[StateTable, list[Task]]

__all__ = ["finance"]

_PUBLISH_AT_ONCE: Final = 500  # records in flight per round: one acknowledgement wait each


@click.group()
def finance() -> None:
    """Finance (FK-ØKO SF1590_A): commitments, payments, the expected cost of a case."""


@finance.command()
@click.option("--municipality", required=True, help="The municipality's kommunekode.")
@click.option("--month", required=True, help="The month paid for, YYYY-MM.")
def run(municipality: str, month: str) -> None:
    """Pay every running measure of the municipality for the month, once (run again: no more).

    Reads the measures from the finance component's changelog and the finance system from
    ``CASEHUB_FINANCE``; prints a summary of counts and øre, never a person.
    """
    try:
        first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        click.echo("--month: expected YYYY-MM", err=True)
        sys.exit(2)
    sys.exit(asyncio.run(_run(municipality, first)))


def changelog_of(settings: Settings, municipality: str, *, client_id: str) -> KafkaChangelog:
    """The finance component's changelog of a municipality, as the hub names and sizes it."""
    # The composition root's names, imported here: the hub's settings are derived from the
    # registry, which imports this package.
    from adapters.finance.wiring import NAME  # noqa: PLC0415
    from hub.compose.app import group_of  # noqa: PLC0415
    from hub.runtime.quarantine import quarantine_limit  # noqa: PLC0415
    from hub.runtime.state import KafkaChangelog  # noqa: PLC0415

    return KafkaChangelog(
        settings.kafka,
        group_of(settings, NAME),
        [municipality],
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
        max_record_bytes=quarantine_limit(settings.max_record_bytes),
        client_id=client_id,
    )


@asynccontextmanager
async def _measures(settings: Settings, municipality: str) -> AsyncIterator[_Measures]:
    """The finance component's stored measures of a municipality, read from its changelog."""
    from hub.runtime.state import StateTable, Task  # noqa: PLC0415

    changelog = changelog_of(settings, municipality, client_id=f"{settings.client_id}-finance-run")
    try:
        partitions = await changelog.partitions_of(municipality)
        tasks = [Task(municipality, p) for p in range(partitions)]
        table = StateTable("finance-run", changelog)
        await table.assign(tasks)
        yield table, tasks
    finally:
        await changelog.close()


async def _run(municipality: str, month: dt.date) -> int:
    from adapters.finance.client import FinanceClient  # noqa: PLC0415
    from adapters.finance.run import due_in, run_month  # noqa: PLC0415
    from adapters.finance.wiring import NAME  # noqa: PLC0415
    from hub.compose.app import producer_options  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.errors import TransientError  # noqa: PLC0415
    from hub.runtime.publisher import EventPublisher  # noqa: PLC0415

    settings = Settings()
    config = getattr(settings, NAME, None)
    if config is None or config.system is None:
        click.echo("CASEHUB_FINANCE with a finance system (system) is needed", err=True)
        return 2
    http = config.system.http_client()
    publisher = EventPublisher(producer_options(settings))
    try:
        async with _measures(settings, municipality) as (table, tasks):
            due = due_in(table, tasks, month)
        await publisher.start()
        with click.progressbar(length=len(due), label="paying", file=sys.stderr) as bar:
            summary = await run_month(
                FinanceClient(http),
                due,
                month,
                today=dt.datetime.now(dt.UTC).date(),
                progress=bar.update,
                publish=publisher.publish,
                source=f"{settings.source}:{NAME}",
            )
    except TransientError as exc:
        click.echo(f"run stopped; run again to finish: {exc}", err=True)
        return 1
    finally:
        await publisher.stop()
        await http.aclose()
    body = {
        "municipality": municipality,
        "month": f"{month:%Y-%m}",
        "measures": summary.measures,
        "paid": summary.paid,
        "duplicates": summary.duplicates,
        "rejected": summary.rejected,
        "total_ore": summary.total_ore,
    }
    click.echo(json.dumps(body))
    return 1 if summary.rejected else 0


@finance.command("year-end")
@click.option("--municipality", required=True, help="The municipality's kommunekode.")
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="The new year.")
@click.option(
    "--rates",
    "rates_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The year's rate table: JSON, a rate per measure kind (as CASEHUB_FINANCE's rates).",
)
def year_end(municipality: str, year: int, rates_file: Path) -> None:
    """Re-rate every approved and running measure for the year, once (run again: no more).

    Publishes one RateUpdated per measure; the finance component applies it on the measure's
    partition, posts the difference and publishes the new estimates. Prints a summary.
    """
    from adapters.finance.settings import Rate  # noqa: PLC0415
    from contracts.decision import MeasureKind  # noqa: PLC0415

    try:
        rates = TypeAdapter(dict[MeasureKind, Rate]).validate_json(rates_file.read_bytes())
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        click.echo(f"--rates: not a rate table ({', '.join(fields)})", err=True)
        sys.exit(2)
    sys.exit(asyncio.run(_year_end(municipality, year, rates)))


async def _year_end(municipality: str, year: int, rates: Mapping[MeasureKind, Rate]) -> int:
    from adapters.finance.yearend import plan_year_end, update_id  # noqa: PLC0415
    from hub.compose.app import producer_options  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.errors import TransientError  # noqa: PLC0415
    from hub.runtime.publisher import EventPublisher  # noqa: PLC0415

    settings = Settings()
    publisher = EventPublisher(producer_options(settings))
    try:
        async with _measures(settings, municipality) as (table, tasks):
            plan = plan_year_end(table, tasks, year, rates)
        await publisher.start()
        with click.progressbar(length=len(plan.updates), label="updating", file=sys.stderr) as bar:
            for start in range(0, len(plan.updates), _PUBLISH_AT_ONCE):
                chunk = plan.updates[start : start + _PUBLISH_AT_ONCE]
                await asyncio.gather(*(publisher.publish(event) for event in chunk))
                bar.update(len(chunk))
    except TransientError as exc:
        click.echo(f"update stopped; run again to finish: {exc}", err=True)
        return 1
    finally:
        await publisher.stop()
    body = {
        "municipality": municipality,
        "update_id": update_id(year),
        "measures": plan.measures,
        "running": plan.running,
        "published": len(plan.updates),
        "already_updated": plan.already_updated,
        "no_new_rate": plan.no_new_rate,
        "kind_unknown": plan.kind_unknown,
        "provider_rate": plan.provider_rate,
    }
    click.echo(json.dumps(body))
    return 0


@finance.command()
@click.option("--municipality", required=True, help="The municipality's kommunekode.")
@click.option("--month", required=True, help="The month reconciled, YYYY-MM.")
@click.option("--json", "as_json", is_flag=True, help="JSON (amounts in øre) instead of lines.")
def reconcile(municipality: str, month: str, *, as_json: bool) -> None:
    """Committed vs posted vs paid for the month, per case and in total; published as an event.

    Read from the finance component's changelog (the postings back are its ``PostingBooked``);
    publishes ``ReconciliationReported``. Ids and amounts only, never a person.
    """
    try:
        first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        click.echo("--month: expected YYYY-MM", err=True)
        sys.exit(2)
    sys.exit(asyncio.run(_reconcile(municipality, first, as_json=as_json)))


async def _reconcile(municipality: str, month: dt.date, *, as_json: bool) -> int:
    from adapters.finance.model import dkk  # noqa: PLC0415
    from adapters.finance.reconcile import reconcile, reported  # noqa: PLC0415
    from adapters.finance.wiring import NAME  # noqa: PLC0415
    from hub.compose.app import producer_options  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.errors import TransientError  # noqa: PLC0415
    from hub.runtime.publisher import EventPublisher  # noqa: PLC0415

    settings = Settings()
    publisher = EventPublisher(producer_options(settings))
    try:
        async with _measures(settings, municipality) as (table, tasks):
            found = reconcile(table, tasks, month)
        await publisher.start()
        event = reported(
            found, municipality, source=f"{settings.source}:{NAME}", at=dt.datetime.now(dt.UTC)
        )
        await publisher.publish(event)
    except TransientError as exc:
        click.echo(f"reconcile: {exc}", err=True)
        return 1
    finally:
        await publisher.stop()
    if as_json:
        body = {
            "municipality": municipality,
            "month": f"{month:%Y-%m}",
            "report_id": event.envelope.id,
            "measures": found.measures,
            "committed_ore": found.committed_ore,
            "posted_ore": found.posted_ore,
            "paid_ore": found.paid_ore,
            "cases": [asdict(c) for c in found.cases],
            "differing": [c.case_id for c in found.differing],
        }
        click.echo(json.dumps(body))
        return 0
    click.echo(f"{municipality} {month:%Y-%m}  (DKK)  committed / posted / paid")
    for c in found.cases:
        mark = "  differs" if c.differs else ""
        click.echo(
            f"  {c.case_id}  {dkk(c.committed_ore)} / {dkk(c.posted_ore)} / {dkk(c.paid_ore)}{mark}"
        )
    click.echo(
        f"  total ({found.measures} measures, {len(found.cases)} cases)  "
        f"{dkk(found.committed_ore)} / {dkk(found.posted_ore)} / {dkk(found.paid_ore)}"
    )
    return 0


@finance.command()
@click.argument("case_id", metavar="CASE")
@click.option("--municipality", required=True, help="The case's kommunekode.")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to see the case as of (default: today).",
)
@click.option("--json", "as_json", is_flag=True, help="JSON (amounts in øre) instead of lines.")
def overview(case_id: str, municipality: str, on: dt.datetime | None, *, as_json: bool) -> None:
    """The case's money: each measure's rate, committed, due so far and expected (DKK).

    Read from the finance component's changelog; ids and amounts only, never a person.
    """
    today = (on or dt.datetime.now(dt.UTC)).date()
    sys.exit(asyncio.run(_overview(municipality, case_id, today, as_json=as_json)))


async def _overview(municipality: str, case_id: str, today: dt.date, *, as_json: bool) -> int:
    from adapters.finance.model import dkk  # noqa: PLC0415
    from adapters.finance.overview import case_overview  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.errors import TransientError  # noqa: PLC0415

    try:
        async with _measures(Settings(), municipality) as (table, tasks):
            found = case_overview(table, tasks, case_id, today)
    except TransientError as exc:
        click.echo(f"overview: {exc}", err=True)
        return 1
    if found is None:
        click.echo(f"finance has no measure of case {case_id} in {municipality}", err=True)
        return 1
    if as_json:
        body = {
            "case_id": found.case_id,
            "on": found.today.isoformat(),
            "measures": [
                {**asdict(m), "start": m.start.isoformat(), "end": m.end.isoformat()}
                for m in found.measures
            ],
            "committed_ore": found.committed_ore,
            "due_to_date_ore": found.due_to_date_ore,
            "paid_ore": found.paid_ore,
            "expected_ore": found.expected_ore,
        }
        click.echo(json.dumps(body))
        return 0
    click.echo(f"case {found.case_id} on {found.today}  (DKK)")
    for m in found.measures:
        click.echo(
            f"  {m.measure_id}  {m.kind}  {dkk(m.rate_ore)} per {m.per}  {m.start}..{m.end}  "
            f"committed {dkk(m.committed_ore)}  due {dkk(m.due_to_date_ore)}  "
            f"paid {dkk(m.paid_ore)}  expected {dkk(m.expected_ore)}"
        )
    click.echo(
        f"  total  committed {dkk(found.committed_ore)}  due {dkk(found.due_to_date_ore)}  "
        f"paid {dkk(found.paid_ore)}  expected {dkk(found.expected_ore)}"
    )
    return 0
