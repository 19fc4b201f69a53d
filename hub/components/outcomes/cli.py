"""``casehub outcomes extract``: the national out-data set, per municipality and nationally."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import click

from hub.components.outcomes.aggregates import Period
from hub.components.outcomes.extract import ExtractRequest, run_extract
from hub.components.outcomes.table import DEFAULT_THRESHOLD
from hub.runtime.crypto import KEY_TABLE
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.kafka_cli import kafka_options

__all__ = ["outcomes", "parse_period"]


def parse_period(text: str) -> Period:
    """``2026-01-01..2026-12-31`` (both days included), or a year ``2026``.

    Raises:
        ValueError: neither form, or the end before the start.

    """
    if text.isdigit() and len(text) == 4:  # noqa: PLR2004 - a year
        return Period(dt.date(int(text), 1, 1), dt.date(int(text), 12, 31))
    start, sep, end = text.partition("..")
    if not sep:
        msg = "a period is FROM..TO (ISO dates) or a year"
        raise ValueError(msg)
    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    if period.end < period.start:
        msg = "a period cannot end before it starts"
        raise ValueError(msg)
    return period


@click.group()
def outcomes() -> None:
    """Outcome data: conditions, goals and progression, as an extract."""


@outcomes.command()
@kafka_options
@click.option("--municipality", "municipalities", multiple=True, required=True,
              help="A kommunekode to include (repeat); national is all of them.")  # fmt: skip
@click.option("--period", required=True, help="FROM..TO (ISO dates, inclusive) or a year.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--recipient", required=True, help="Who receives it (goes into the audit).")
@click.option("--key-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              required=True, help="The recipient's pseudonym key (32 bytes or more).")  # fmt: skip
@click.option("--threshold", type=click.IntRange(min=1), default=DEFAULT_THRESHOLD,
              show_default=True, help="Rows counting fewer children are suppressed.")  # fmt: skip
@click.option("--source", type=click.Choice(["state", "history"]), default="state",
              show_default=True, help="state: the outcomes component's summaries (its "
              "changelog); history: fold every event on the topics (where it does not "
              "run).")  # fmt: skip
@click.option("--group-prefix", envvar="CASEHUB_GROUP_PREFIX", default="casehub",
              show_default=True, help="The hub's consumer-group prefix: the state is in the "
              "changelog of <prefix>.outcomes.")  # fmt: skip
@click.option("--key-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The hub's key directory (CASEHUB_ENCRYPTION's key_dir): opens the "
              "summaries it sealed.")  # fmt: skip
@click.option("--operator", envvar="USER", required=True, help="Who builds it (login name).")
@click.option("--why", "reason", required=True, help="Why, for the audit record.")
def extract(  # noqa: PLR0913, PLR0917 - one argument per option
    kafka: KafkaConnection,
    municipalities: tuple[str, ...],
    period: str,
    out: Path,
    recipient: str,
    key_file: Path,
    threshold: int,
    source: str,
    group_prefix: str,
    key_dir: Path | None,
    operator: str,
    reason: str,
) -> None:
    """Write the extract to --out: CSV and Parquet per municipality and national, audited."""
    try:
        request = ExtractRequest(
            municipalities=municipalities, period=parse_period(period), recipient=recipient,
            key=key_file.read_bytes(), out=out, operator=operator, reason=reason,
            threshold=threshold,
            state_group=f"{group_prefix}.outcomes" if source == "state" else None,
            key_dir=key_dir, key_group=f"{group_prefix}.{KEY_TABLE}",
        )  # fmt: skip
        report = asyncio.run(run_extract(kafka, request))
    except ValueError as exc:  # a validation error never quotes its input
        raise click.ClickException(str(exc).splitlines()[0]) from None
    for (scope, table), count in sorted(report.rows.items()):
        click.echo(f"{scope:<9} {table:<16} {count} row(s)")
    click.echo(f"extract {report.extract_id}: {len(report.files)} file(s) in {out}", err=True)
    if report.skipped:
        click.echo(f"{report.skipped} record(s) were not valid events and were skipped", err=True)
    if report.shredded:
        click.echo(f"{report.shredded} summary(ies) were shredded and were skipped", err=True)
