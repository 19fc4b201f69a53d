"""``casehub handover status CASE``: where a case's handovers stand, on either side."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

import click

from hub.runtime.kafka_cli import kafka_options

if TYPE_CHECKING:
    from hub.runtime.kafka_access import KafkaConnection

__all__ = ["handover"]


@click.group()
def handover() -> None:
    """Handover between municipalities (BL §132): signed, encrypted packages and receipts."""


@handover.command()
@click.argument("case_id")
@click.option("--municipality", required=True, help="The municipality's kommunekode.")
@kafka_options
def status(case_id: str, municipality: str, kafka: KafkaConnection) -> None:
    """Print, as JSON, the case's handover events: started, delivered, answered, received."""
    # Imported here: aiokafka and the contracts are not needed by `casehub --help`.
    from adapters.handover.status import case_handovers  # noqa: PLC0415
    from hub.runtime.errors import HubError  # noqa: PLC0415

    try:
        lines = asyncio.run(case_handovers(kafka, municipality, case_id))
    except HubError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(json.dumps(lines, indent=2))
