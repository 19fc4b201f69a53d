"""``casehub finance run --municipality 101 --month 2027-01``: the month-end payment run."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys

import click

__all__ = ["finance"]


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


async def _run(municipality: str, month: dt.date) -> int:
    # The composition root's settings and names, imported here: the hub's settings are
    # derived from the registry, which imports this package.
    from adapters.finance.client import FinanceClient  # noqa: PLC0415
    from adapters.finance.run import due_in, run_month  # noqa: PLC0415
    from adapters.finance.wiring import NAME  # noqa: PLC0415
    from hub.compose.app import group_of  # noqa: PLC0415
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.errors import TransientError  # noqa: PLC0415
    from hub.runtime.quarantine import quarantine_limit  # noqa: PLC0415
    from hub.runtime.state import KafkaChangelog, StateTable, Task  # noqa: PLC0415

    settings = Settings()
    config = getattr(settings, NAME, None)
    if config is None or config.system is None:
        click.echo("CASEHUB_FINANCE with a finance system (system) is needed", err=True)
        return 2
    changelog = KafkaChangelog(
        settings.kafka,
        group_of(settings, NAME),
        [municipality],
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
        max_record_bytes=quarantine_limit(settings.max_record_bytes),
        client_id=f"{settings.client_id}-finance-run",
    )
    http = config.system.http_client()
    try:
        partitions = await changelog.partitions_of(municipality)
        tasks = [Task(municipality, p) for p in range(partitions)]
        table = StateTable("finance-run", changelog)
        await table.assign(tasks)
        due = due_in(table, tasks, month)
        with click.progressbar(length=len(due), label="paying", file=sys.stderr) as bar:
            summary = await run_month(
                FinanceClient(http),
                due,
                month,
                today=dt.datetime.now(dt.UTC).date(),
                progress=bar.update,
            )
    except TransientError as exc:
        click.echo(f"run stopped; run again to finish: {exc}", err=True)
        return 1
    finally:
        await http.aclose()
        await changelog.close()
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
