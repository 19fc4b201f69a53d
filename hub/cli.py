"""``casehub``: the one console entry point for every command the project offers."""

from __future__ import annotations

import asyncio
import sys

import click

from hub.cli_contracts import contracts
from hub.cli_deadlines import deadlines
from hub.cli_digitalpost import digitalpost
from hub.cli_quarantine import quarantine

__all__ = ["main"]


@click.group()
def main() -> None:
    """casehub: the integration hub for Danish child-welfare case systems."""


@main.command()
def run() -> None:
    """Run the hub (HTTP intake and components); configured by CASEHUB_* variables."""
    from hub.app import create_app  # noqa: PLC0415 - keep `casehub --help` fast
    from hub.serve import StartupFailedError, serving  # noqa: PLC0415
    from hub.settings import Settings  # noqa: PLC0415
    from hub.tls import TlsFileError  # noqa: PLC0415

    settings = Settings()

    async def serve_forever() -> None:
        async with serving(create_app(settings), settings.http_host, settings.http_port) as url:
            click.echo(f"casehub intake on {url}", err=True)
            await asyncio.Event().wait()

    try:
        asyncio.run(serve_forever())
    except (StartupFailedError, TlsFileError) as exc:  # one line, no traceback
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--municipality", "municipalities", multiple=True, default=["101"], show_default=True)
def standins(municipalities: tuple[str, ...]) -> None:
    """Serve the national services' stand-ins on loopback ports, until interrupted."""
    from hub.standins import running_standins  # noqa: PLC0415

    async def serve_forever() -> None:
        async with running_standins(municipalities) as running:
            click.echo(f"CPR (SF1520 SOAP)        {running.cpr_url}")
            click.echo(f"Digital Post (SF1601)    {running.digitalpost_url}")
            click.echo(f"ESDH archive (SF1470)    {running.archive_url}")
            click.echo(f"Danmarks Statistik       {running.statistics_url}")
            click.echo(f"Ankestyrelsen            {running.appeals_url}")
            click.echo("set these to point a hub at them:")
            click.echo(f"CASEHUB_CPR='{running.cpr_settings.model_dump_json()}'")
            click.echo(f"CASEHUB_DIGITALPOST='{running.digitalpost_settings.model_dump_json()}'")
            click.echo(f"CASEHUB_ARCHIVE='{running.archive_settings.model_dump_json()}'")
            click.echo(f"CASEHUB_STATISTICS='{running.statistics_settings.model_dump_json()}'")
            click.echo(f"CASEHUB_APPEALS='{running.appeals_settings.model_dump_json()}'")
            await asyncio.Event().wait()

    asyncio.run(serve_forever())


@main.command()
@click.option("--bootstrap", required=True, help="Kafka bootstrap address, e.g. 127.0.0.1:9092.")
def demo(bootstrap: str) -> None:
    """Push one demo notification through the hub and print the path it took."""
    from hub.demo import run_demo  # noqa: PLC0415

    sys.exit(0 if asyncio.run(run_demo(bootstrap)) else 1)


main.add_command(contracts)
main.add_command(deadlines)
main.add_command(digitalpost)
main.add_command(quarantine)
