"""``casehub``: the one console entry point for every command the project offers."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from adapters.registry import COMPONENTS
from hub.cli.audit import audit
from hub.cli.contracts import contracts
from hub.cli.deploy import deploy
from hub.cli.keys import keys
from hub.cli.quarantine import quarantine
from hub.components.outcomes.cli import outcomes
from hub.conformance.cli import conformance
from hub.runtime.component import ComponentSpec
from hub.runtime.kafka_access import (
    KafkaConnection,
    KafkaSecurity,
    KafkaSecurityError,
    local_broker_connection,
)
from hub.runtime.kafka_cli import kafka_options

__all__ = ["add_commands", "main"]


@click.group()
def main() -> None:
    """casehub: the integration hub for Danish child-welfare case systems."""


@main.command()
def run() -> None:
    """Run the hub (HTTP intake and components); configured by CASEHUB_* variables."""
    from hub.compose.app import create_app  # noqa: PLC0415 - keep `casehub --help` fast
    from hub.compose.settings import Settings  # noqa: PLC0415
    from hub.runtime.callers import SecretFileError  # noqa: PLC0415
    from hub.runtime.crypto import KeyFileError  # noqa: PLC0415
    from hub.runtime.kafka_access import verify_access  # noqa: PLC0415
    from hub.runtime.serve import StartupFailedError, serving  # noqa: PLC0415
    from hub.runtime.tls import TlsFileError  # noqa: PLC0415

    settings = Settings()

    async def serve_forever() -> None:
        # A refused password or CA ends here in one line, before anything starts.
        await verify_access(settings.kafka)
        async with serving(create_app(settings), settings.http_host, settings.http_port) as url:
            click.echo(f"casehub intake on {url}", err=True)
            await asyncio.Event().wait()

    try:
        asyncio.run(serve_forever())
    except (
        StartupFailedError,
        TlsFileError,
        SecretFileError,
        KeyFileError,
        KafkaSecurityError,
    ) as exc:  # one line
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--municipality", "municipalities", multiple=True, default=["101"], show_default=True)
def standins(municipalities: tuple[str, ...]) -> None:
    """Serve the national services' stand-ins on loopback ports, until interrupted."""
    from hub.cli.standins import running_standins  # noqa: PLC0415

    async def serve_forever() -> None:
        async with running_standins(municipalities) as running:
            for standin in running.values():
                click.echo(f"{standin.label:<25}{standin.url}")
            click.echo("set these to point a hub at them:")
            for variable, value in running.environment().items():
                click.echo(f"{variable}='{value}'")
            await asyncio.Event().wait()

    asyncio.run(serve_forever())


@main.command()
@kafka_options
@click.option(
    "--case-system-security",
    envvar="CASEHUB_DEMO_CASE_SYSTEM_SECURITY",
    help="How the demo's case system authenticates (JSON as --kafka-security); default: "
    "as the hub.",
)
@click.option(
    "--local-broker",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The data directory of a `deploy/local/kafka.py start --secure` broker: the hub and "
    "the case system authenticate with the credentials and the CA there (`make demo`).",
)
@click.option(
    "--keep",
    is_flag=True,
    help="Leave the hub, its dashboard and the stand-ins up until interrupted (Ctrl-C).",
)
def demo(
    kafka: KafkaConnection,
    case_system_security: str | None,
    local_broker: Path | None,
    *,
    keep: bool,
) -> None:
    """Push one demo notification through the hub and print the path it took."""
    from hub.cli.demo import MUNICIPALITY, run_demo  # noqa: PLC0415
    from hub.compose.grants import HUB_USER, case_system_user  # noqa: PLC0415

    case_system = None
    if case_system_security is not None:
        security = KafkaSecurity.model_validate_json(case_system_security)
        case_system = KafkaConnection(kafka.bootstrap_servers, security)
    if local_broker is not None:
        address = kafka.bootstrap_servers
        kafka = local_broker_connection(address, local_broker, HUB_USER)
        principal = case_system_user(MUNICIPALITY)
        case_system = local_broker_connection(address, local_broker, principal)
    try:
        sys.exit(0 if asyncio.run(run_demo(kafka, case_system, keep=keep)) else 1)
    except KafkaSecurityError as exc:  # one line, no traceback
        raise click.ClickException(str(exc)) from None


def add_commands(group: click.Group, components: Sequence[ComponentSpec[Any]]) -> None:
    """Add every component's commands to ``group`` (``casehub digitalpost …``)."""
    for spec in components:
        for command in spec.commands:
            group.add_command(command)


main.add_command(audit)
main.add_command(conformance)
main.add_command(contracts)
main.add_command(deploy)
main.add_command(keys)
main.add_command(outcomes)
main.add_command(quarantine)
add_commands(main, COMPONENTS)


if __name__ == "__main__":
    main()
