"""``casehub handover status CASE``: where a case's handovers stand, on either side."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
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


@handover.command()
@kafka_options
@click.option(
    "--local-broker",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The data directory of a `deploy/local/kafka.py start --secure` broker: the hubs and "
    "each municipality's case system authenticate with the credentials there "
    "(`make demo-handover`).",
)
def demo(kafka: KafkaConnection, local_broker: Path | None) -> None:
    """Hand a synthetic case from 101's hub to 751's, both on this broker, and print each hop."""
    from adapters.handover.demo import RECEIVER, SENDER, run_handover_demo  # noqa: PLC0415
    from hub.compose.grants import HUB_USER, case_system_user  # noqa: PLC0415
    from hub.runtime.kafka_access import local_broker_connection  # noqa: PLC0415

    systems = None
    if local_broker is not None:
        address = kafka.bootstrap_servers
        kafka = local_broker_connection(address, local_broker, HUB_USER)
        systems = {
            code: local_broker_connection(address, local_broker, case_system_user(code))
            for code in (SENDER, RECEIVER)
        }
    sys.exit(0 if asyncio.run(run_handover_demo(kafka, systems)) else 1)
