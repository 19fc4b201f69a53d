"""``casehub digitalpost render EVENT.json``: the MeMo XML a LetterRequested would send."""

from __future__ import annotations

import sys
from typing import BinaryIO

import click

__all__ = ["digitalpost"]


@click.group()
def digitalpost() -> None:
    """Digital Post (SF1601 with MeMo 1.2)."""


@digitalpost.command()
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--sender-cvr", default="29189617", show_default=True, help="The municipality's CVR.")
@click.option("--sender-label", default="Kommunen", show_default=True, help="Sender name shown.")
def render(source: BinaryIO, sender_cvr: str, sender_label: str) -> None:
    """Print the MeMo message for one LetterRequested (a structured CloudEvent, or - for stdin).

    The output carries the letter's personal data: it is for vendors checking their events
    with synthetic people, and for operators on the hub's own machines.
    """
    from adapters.digitalpost import Sender  # noqa: PLC0415
    from adapters.digitalpost import render as render_memo  # noqa: PLC0415
    from adapters.digitalpost.errors import InvalidMessageError  # noqa: PLC0415
    from adapters.digitalpost.requested import letter_for  # noqa: PLC0415
    from contracts.letters import LetterRequested, LetterRequestedV2  # noqa: PLC0415
    from contracts.validation import check_document  # noqa: PLC0415

    verdict = check_document(source.read())
    if verdict.event is None:
        for problem in verdict.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    # A v2 letter with documents needs the hub's document store: only text letters here.
    if not isinstance(verdict.event.data, LetterRequested | LetterRequestedV2):
        click.echo("$.type: expected dk.casehub.letter.requested", err=True)
        sys.exit(1)
    try:
        letter = letter_for(verdict.event, verdict.event.data, Sender(sender_cvr, sender_label))
        xml = render_memo(letter)
    except InvalidMessageError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    sys.stdout.buffer.write(xml)
