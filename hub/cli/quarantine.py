"""``casehub quarantine list | show | replay``: see what is quarantined and send it back."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from typing import Any

import click

from hub.cli.quarantine_ops import Entry, Filters, ReplayRefusedError, read_entries, replay
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.kafka_cli import kafka_options

__all__ = ["quarantine"]


def _filters(func: Any) -> Any:  # noqa: ANN401 - a click command
    options = [
        click.option("--topic", help="Only records from this source topic."),
        click.option("--group", help="Only records this consumer group (component) quarantined."),
        click.option("--municipality", help="Only this kommunekode."),
        click.option("--case", help="Only this case id."),
        click.option("--reason", help="Only reasons containing this text."),
        click.option("--since", type=click.DateTime(), help="Quarantined at or after (UTC)."),
        click.option("--until", type=click.DateTime(), help="Quarantined at or before (UTC)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return kafka_options(func)


def _make_filters(opts: dict[str, Any], refs: tuple[str, ...] = ()) -> Filters:
    def aware(moment: datetime | None) -> datetime | None:
        return moment.astimezone() if moment and moment.tzinfo is None else moment

    return Filters(
        topic=opts["topic"],
        group=opts["group"],
        municipality=opts["municipality"],
        case=opts["case"],
        reason=opts["reason"],
        since=aware(opts["since"]),
        until=aware(opts["until"]),
        refs=refs,
    )


@click.group()
def quarantine() -> None:
    """See and replay quarantined records."""


@quarantine.command("list")
@_filters
def list_entries(kafka: KafkaConnection, **opts: Any) -> None:  # noqa: ANN401
    """One line per quarantined record: when, where from, case, error, reason."""
    entries = asyncio.run(read_entries(kafka, _make_filters(opts)))
    for entry in entries:
        when = entry.time.isoformat(timespec="seconds") if entry.time else "-"
        click.echo(
            f"{when}  {entry.source_ref}  group={entry.group}  case={entry.case}  "
            f"{entry.error}: {entry.reason}"
        )
    click.echo(f"{len(entries)} quarantined record(s)", err=True)


@quarantine.command()
@click.argument("ref")
@kafka_options
@click.option(
    "--value", "show_value", is_flag=True, help="Also write the raw value (personal data)."
)
def show(ref: str, kafka: KafkaConnection, *, show_value: bool) -> None:
    """Headers of one record, by its quarantine or source ``topic:partition:offset``."""
    entries = asyncio.run(read_entries(kafka, Filters(refs=(ref,))))
    if not entries:
        click.echo(f"no quarantined record {ref}", err=True)
        sys.exit(1)
    entry = entries[0]
    click.echo(f"quarantine record {entry.ref}\nsource {entry.source_ref}\ncase {entry.case}")
    for name, value in sorted(entry.headers.items()):
        if name != "quarantine_original_headers":
            click.echo(f"  {name}: {value}")
    if entry.truncated:
        click.echo(f"value: not kept (a bounded copy); replay reads it at {entry.source_ref}")
    else:
        click.echo(f"value: {len(entry.value or b'')} bytes")
    if show_value:
        sys.stdout.buffer.write((entry.value or b"") + b"\n")


@quarantine.command("replay")
@_filters
@click.argument("refs", nargs=-1)
@click.option("--yes", is_flag=True, help="Do not ask before replaying.")
@click.option("--why", "why", required=True, help="The fix made (goes into the audit event).")
@click.option("--operator", envvar="USER", default="operator", help="Who replays (audit).")
def replay_entries(
    kafka: KafkaConnection,
    refs: tuple[str, ...],
    *,
    yes: bool,
    why: str,
    operator: str,
    **opts: Any,  # noqa: ANN401 - the filter options
) -> None:
    """Send matching records (or the REFS given) back to their topics, in order."""
    entries = asyncio.run(read_entries(kafka, _make_filters(opts, refs)))
    if not entries:
        click.echo("nothing to replay", err=True)
        return
    if not yes:
        click.confirm(f"replay {len(entries)} record(s)?", abort=True, err=True)
    with click.progressbar(length=len(entries), label="replaying", file=sys.stderr) as bar:

        def advance(_entry: Entry) -> None:
            bar.update(1)

        try:
            count = asyncio.run(
                replay(kafka, entries, reason=why, operator=operator, on_replayed=advance)
            )
        except ReplayRefusedError as exc:
            click.echo(f"\nreplay stopped: {exc}", err=True)
            sys.exit(1)
    click.echo(f"replayed {count} record(s)", err=True)
