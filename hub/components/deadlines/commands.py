"""``casehub deadlines``: which legal deadlines an event sets, and the rules table."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from hub.clock.doc import render_markdown
from hub.clock.schedule import Deadline, MissingFactError
from hub.clock.structured import parse_structured
from hub.clock.triggers import deadlines_for
from hub.runtime.errors import HubError, PermanentError
from hub.runtime.kafka_cli import kafka_options

if TYPE_CHECKING:
    from hub.runtime.kafka_access import KafkaConnection

__all__ = ["deadlines"]

_MAX_INPUT = 1 << 20  # one event; far above any canonical event's size


@click.group()
def deadlines() -> None:
    """The legal clock: deadlines set by canonical case events."""


@deadlines.command()
@click.argument("source", metavar="FILE|-")
@click.option(
    "--child-birth-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The child's birth date (YYYY-MM-DD), which the engine takes from the case: "
    "decisions and placement starts need it for the youth plan and aftercare.",
)
def due(source: str, child_birth_date: dt.datetime | None) -> None:
    """Print, as JSON, the deadlines one structured-mode CloudEvent sets."""
    try:
        raw = _read(source)
        event = parse_structured(raw)
        data = event.data
        if child_birth_date is not None:
            data = {**data, "child_birth_date": child_birth_date.date().isoformat()}
        found = deadlines_for(event.type, data, event.time)
    except (PermanentError, MissingFactError) as exc:
        _fail(str(exc))
    click.echo(json.dumps([_as_json(d) for d in found], indent=2, ensure_ascii=False))


@deadlines.command()
@kafka_options
@click.option(
    "--group-prefix",
    envvar="CASEHUB_GROUP_PREFIX",
    default="casehub",
    show_default=True,
    help="The hub's consumer-group prefix: the engine's state is in the changelog of "
    "the group <prefix>.deadlines.",
)
@click.option(
    "--municipality",
    "municipalities",
    multiple=True,
    help="Only this kommunekode (repeatable); default: every one with deadline state.",
)
@click.option(
    "--all", "include_closed", is_flag=True, help="Met, missed and withdrawn deadlines too."
)
def status(
    kafka: KafkaConnection,
    group_prefix: str,
    municipalities: tuple[str, ...],
    *,
    include_closed: bool,
) -> None:
    """Print, as JSON, the open deadlines in the engine's changelog, earliest due first."""
    # Imported here: aiokafka and the contracts are not needed by `casehub --help`.
    from hub.components.deadlines.status import as_json, read_deadlines  # noqa: PLC0415

    # The group as the composition root names it (hub.compose.app.group_of).
    group = f"{group_prefix}.deadlines"
    try:
        found = asyncio.run(
            read_deadlines(kafka, municipalities, group=group, include_closed=include_closed)
        )
    except HubError as exc:
        _fail(str(exc))
    click.echo(json.dumps([as_json(t) for t in found], indent=2, ensure_ascii=False))


@deadlines.command()
def rules() -> None:
    """Print the rules table as Markdown (the source of docs/deadlines.md)."""
    click.echo(render_markdown(), nl=False)


def _read(source: str) -> bytes:
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(_MAX_INPUT + 1)
        else:
            with open(source, "rb") as file:  # noqa: PTH123 - one read, either source
                raw = file.read(_MAX_INPUT + 1)
    except OSError:
        _fail("input: cannot read the file")
    if len(raw) > _MAX_INPUT:
        _fail("input: larger than one event can be (1 MiB)")
    return raw


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _as_json(deadline: Deadline) -> dict[str, Any]:
    def iso(moment: Any) -> str | None:  # noqa: ANN401 - datetime or None
        return None if moment is None else moment.isoformat()

    basis = deadline.legal_basis
    return {
        "rule": deadline.rule_id,
        "due_at": iso(deadline.due_at),
        "escalate_at": iso(deadline.escalate_at),
        "before": deadline.rule.before,
        "legal_basis": {"sel": basis.sel, "bl": basis.bl, "other": basis.other},
        "concerns": deadline.concerns.value,
    }
