"""``casehub keys``: rotate a municipality's key-encryption key, shred subjects' data keys."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.kafka_cli import kafka_options

__all__ = ["keys"]

_KEY_DIR = click.option(
    "--key-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The key directory (CASEHUB_ENCRYPTION's key_dir).",
)
_MUNICIPALITY = click.option("--municipality", required=True, help="The kommunekode.")
_GROUP_PREFIX = click.option(
    "--group-prefix", envvar="CASEHUB_GROUP_PREFIX", default="casehub", show_default=True
)


@click.group()
def keys() -> None:
    """Field-encryption keys (docs/encryption.md)."""


@keys.command("rotate")
@kafka_options
@_KEY_DIR
@_MUNICIPALITY
@_GROUP_PREFIX
@click.option("--rewrap", is_flag=True, help="Wrap every data key under the new version too.")
def rotate_command(
    kafka: KafkaConnection, key_dir: Path, municipality: str, group_prefix: str, *, rewrap: bool
) -> None:
    """Make a new KEK version: new data keys are wrapped under it, old records stay readable."""
    from hub.cli.keys_ops import KeyPlace, rotate  # noqa: PLC0415 - keep --help fast

    place = KeyPlace(kafka, key_dir, group_prefix)
    done = asyncio.run(rotate(place, municipality, rewrap=rewrap))
    click.echo(
        f"municipality {municipality}: key-encryption key v{done.version} made; "
        f"{done.rewrapped} data key(s) rewrapped, {done.lost} not rewrappable",
        err=True,
    )


@keys.command("shred")
@kafka_options
@_KEY_DIR
@_MUNICIPALITY
@_GROUP_PREFIX
@click.option(
    "--child", is_flag=True, help="Read the children's CPR numbers from stdin, one a line."
)
@click.option("--case", "cases", multiple=True, help="A case whose own data key goes (repeat).")
@click.option("--why", "why", required=True, help="Why (goes into the audit record).")
@click.option("--operator", envvar="USER", default="operator", help="Who shreds (audit).")
@click.option(
    "--settle-s",
    default=140.0,
    show_default=True,
    help="Pause before the old KEK goes: at least --hub-rescan-s + --mount-refresh-s.",
)
@click.option(
    "--hub-rescan-s", default=10.0, show_default=True, help="The hubs' rescan_s (their setting)."
)
@click.option(
    "--mount-refresh-s",
    default=120.0,
    show_default=True,
    help="How long the key directory takes to reach the hubs (a Secret mount's refresh).",
)
def shred_command(  # noqa: PLR0913, PLR0917 - the options
    kafka: KafkaConnection,
    key_dir: Path,
    municipality: str,
    group_prefix: str,
    cases: tuple[str, ...],
    why: str,
    operator: str,
    settle_s: float,
    hub_rescan_s: float,
    mount_refresh_s: float,
    *,
    child: bool,
) -> None:
    """Destroy the data keys of children (CPR numbers on stdin, never as arguments) or cases."""
    from pydantic import TypeAdapter, ValidationError  # noqa: PLC0415 - keep --help fast

    from contracts.cpr import Cpr  # noqa: PLC0415
    from hub.cli.keys_ops import KeyPlace, ShredRefusedError, shred  # noqa: PLC0415
    from hub.runtime.crypto import case_subject, child_subject  # noqa: PLC0415

    subjects = [case_subject(case) for case in cases]
    if child:
        adapter = TypeAdapter(Cpr)
        for number, line in enumerate(sys.stdin.read().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                cpr = adapter.validate_python(line.strip())
            except ValidationError:
                msg = f"stdin line {number} is not a CPR number"  # the line is not repeated
                raise click.ClickException(msg) from None
            subjects.append(child_subject(cpr.reveal()))
    if not subjects:
        msg = "nothing to shred: give --child (CPR numbers on stdin) or --case"
        raise click.ClickException(msg)
    place = KeyPlace(kafka, key_dir, group_prefix)
    try:
        done = asyncio.run(
            shred(
                place,
                municipality,
                subjects,
                reason=why,
                operator=operator,
                settle_s=settle_s,
                rescan_s=hub_rescan_s,
                mount_refresh_s=mount_refresh_s,
            )
        )
    except ShredRefusedError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"municipality {municipality}: {done.data_keys} data key(s) of {done.subjects} "
        f"subject(s) destroyed; key-encryption key v{done.version} now, "
        f"{done.rewrapped} data key(s) rewrapped, versions {list(done.destroyed)} destroyed",
        err=True,
    )


@keys.command("decrypt")
@kafka_options
@_KEY_DIR
@_MUNICIPALITY
@_GROUP_PREFIX
@click.argument("ref")
@click.option("--why", "why", required=True, help="Why (goes into the audit record).")
@click.option("--operator", envvar="USER", default="operator", help="Who reads (audit).")
def decrypt_command(  # noqa: PLR0913, PLR0917 - the options
    kafka: KafkaConnection,
    key_dir: Path,
    municipality: str,
    group_prefix: str,
    ref: str,
    why: str,
    operator: str,
) -> None:
    """Print the value of the record at REF (topic:partition:offset) with its fields opened.

    Audited first (``decryption``): an operator reading a person's sealed fields.
    """
    from hub.cli.keys_ops import KeyPlace, ShredRefusedError, decrypt  # noqa: PLC0415
    from hub.runtime.errors import HubError  # noqa: PLC0415

    place = KeyPlace(kafka, key_dir, group_prefix)
    try:
        value = asyncio.run(decrypt(place, municipality, ref, reason=why, operator=operator))
    except (ShredRefusedError, HubError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.stdout.buffer.write(value + b"\n")
