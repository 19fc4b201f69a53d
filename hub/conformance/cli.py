"""``casehub conformance run``: a line per check, exit 1 when the vendor fails one."""

from __future__ import annotations

import asyncio
import sys

import click

from hub.conformance.run import TopicMissingError, run_conformance
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.kafka_cli import kafka_options

__all__ = ["conformance"]


@click.group()
def conformance() -> None:
    """Prove a case system conforms: the hub's side played against it on a broker."""


@conformance.command()
@kafka_options
@click.option("--municipality", required=True, help="The kommunekode the case system serves.")
@click.option("--cases", type=click.IntRange(1, 100), default=3, show_default=True)
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=30.0,
              show_default=True, help="Seconds to wait for the answers, at most.")  # fmt: skip
def run(kafka: KafkaConnection, municipality: str, cases: int, timeout_s: float) -> None:
    """Play the hub's side against a case system and check what it writes back.

    The hub's side: notifications, persons, deadlines and letter receipts, the first of each
    twice; what comes back: the case and letter events the vendor writes.
    """
    try:
        sent, result = asyncio.run(
            run_conformance(kafka, municipality, cases=cases, timeout_s=timeout_s)
        )
    except TopicMissingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"sent {len(sent)} deliveries to municipality {municipality}")
    for line in result.lines():
        click.echo(line)
    click.echo("conformant" if result.passed else "not conformant", err=True)
    sys.exit(0 if result.passed else 1)
