"""``casehub contracts``: the catalogue, its schemas and a validator, for vendors and for CI."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import BinaryIO

import click

__all__ = ["contracts"]

# The commands import the catalogue when they run, so `casehub --help` stays fast.
_DIR_OPTION = click.option(
    "--dir",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    hidden=True,
    help="The contracts directory holding schemas/ and asyncapi.json (for tests).",
)


@click.group()
def contracts() -> None:
    """The canonical case-event catalogue: list, read and validate against it."""


def _summary(doc: str | None) -> str:
    return inspect.cleandoc(doc or "").partition("\n")[0]


@contracts.command("list")
def list_() -> None:
    """Every event type: version, topic pattern and what it means."""
    from contracts.catalogue import CATALOGUE  # noqa: PLC0415
    from routing.topics import topic  # noqa: PLC0415

    rows = [
        (t, f"v{v}", topic(c.domain, "{municipality}"), _summary(c.__doc__))
        for (t, v), c in CATALOGUE.items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
        )


@contracts.command()
@click.argument("reference", metavar="TYPE[@VERSION]")
def schema(reference: str) -> None:
    """Print one contract's JSON Schema (the newest version unless @VERSION is given)."""
    from contracts.catalogue import CATALOGUE  # noqa: PLC0415
    from contracts.registry import render, schema_of  # noqa: PLC0415

    event_type, _, version_text = reference.partition("@")
    versions = sorted(v for t, v in CATALOGUE if t == event_type)
    if not versions:
        click.echo(f"unknown event type {event_type}; see `casehub contracts list`", err=True)
        sys.exit(1)
    version = versions[-1]
    if version_text:
        if not version_text.removeprefix("v").isdigit():
            click.echo("VERSION is a number, e.g. @1", err=True)
            sys.exit(1)
        version = int(version_text.removeprefix("v"))
    contract = CATALOGUE.get((event_type, version))
    if contract is None:
        known = ", ".join(str(v) for v in versions)
        click.echo(f"{event_type} has no version {version} (known: {known})", err=True)
        sys.exit(1)
    click.echo(render(schema_of(contract)), nl=False)


@contracts.command()
@click.argument("source", type=click.File("rb"), metavar="FILE|-")
def validate(source: BinaryIO) -> None:
    """Validate one event: a structured CloudEvent or a Kafka record dump, as JSON.

    Exit 0 when it is valid; else exit 1 with one line per problem and its JSON path.
    """
    from contracts.validation import check_document  # noqa: PLC0415

    verdict = check_document(source.read())
    if verdict.event is None:
        for line in verdict.problems:
            click.echo(line)
        sys.exit(1)
    envelope = verdict.event.envelope
    click.echo(f"valid: {envelope.type} v{envelope.contractversion}")


@contracts.command()
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 listing stale or missing files."
)
@_DIR_OPTION
def export(*, check: bool, root: Path | None) -> None:
    """Write every contract's JSON Schema and the AsyncAPI document from the code."""
    from contracts.registry import CONTRACTS_DIR, drift, write  # noqa: PLC0415

    root = root or CONTRACTS_DIR
    if check:
        lines = drift(root)
        for line in lines:
            click.echo(line)
        if lines:
            click.echo("run `casehub contracts export` and commit the result", err=True)
            sys.exit(1)
        return
    for line in write(root):
        click.echo(f"wrote {line}")


@contracts.command("check")
@_DIR_OPTION
def check_(root: Path | None) -> None:
    """The compatibility gate: published schemas never change; new versions stay compatible."""
    from contracts.catalogue import CATALOGUE  # noqa: PLC0415
    from contracts.compat import gate  # noqa: PLC0415
    from contracts.registry import CONTRACTS_DIR, code_schemas, committed_schemas  # noqa: PLC0415

    root = root or CONTRACTS_DIR
    problems = gate(code_schemas(), committed_schemas(root))
    for line in problems:
        click.echo(line)
    if problems:
        sys.exit(1)
    click.echo(f"compatible: {len(CATALOGUE)} contract versions")
