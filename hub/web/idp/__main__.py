"""``python -m hub.web.idp --directory FILE``: the stand-in identity provider, until stopped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from hub.web.idp.running import running_idp
from hub.web.idp.users import load_directory


@click.command()
@click.option(
    "--directory",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSON file of users and clients (deploy/local/idp-directory.json is an example).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True)
def main(directory: Path, port: int) -> None:
    """Serve the stand-in OpenID Connect provider on loopback; print its issuer URL."""
    users = load_directory(directory)

    async def serve_forever() -> None:
        async with running_idp(users, port=port) as provider:
            click.echo(f"issuer {provider.issuer}")
            await asyncio.Event().wait()

    asyncio.run(serve_forever())


if __name__ == "__main__":
    main()
