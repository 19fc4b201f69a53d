"""``casehub journal CASE --municipality K``: every step of a case, in order, masked."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

import click

from hub.runtime.errors import HubError
from hub.runtime.kafka_cli import kafka_options

if TYPE_CHECKING:
    from hub.runtime.kafka_access import KafkaConnection

__all__ = ["journal"]


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--municipality", required=True, help="The case's kommunekode.")
@kafka_options
@click.option(
    "--group-prefix",
    envvar="CASEHUB_GROUP_PREFIX",
    default="casehub",
    show_default=True,
    help="The hub's consumer-group prefix: the journal is in the changelog of <prefix>.journal.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of lines.")
def journal(
    case_id: str, municipality: str, kafka: KafkaConnection, group_prefix: str, *, as_json: bool
) -> None:
    """Print the journal of CASE: each event's time, sub-process, type and non-personal fields.

    Names, CPR numbers, addresses and free text are always masked (•••), for every
    role: the journal's store never holds them.
    """
    # Imported here: aiokafka is not needed by `casehub --help`.
    from hub.components.journal.read import read_journal  # noqa: PLC0415

    group = f"{group_prefix}.journal"  # as the composition root names it
    try:
        steps = asyncio.run(
            read_journal(kafka, group=group, municipality=municipality, case_id=case_id)
        )
    except HubError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(steps, indent=2, ensure_ascii=False))
        return
    if not steps:
        click.echo(f"no journal for case {case_id} in {municipality}")
        return
    for number, step in enumerate(steps, start=1):
        fields = ", ".join(f"{k}={v}" for k, v in step["fields"].items())
        click.echo(
            f"{number:>3}. {step['time']}  [{step['sub_process'] or '-'}]  "
            f"{step['type']} v{step['version']}  {step['event_id']}\n     {fields}"
        )
