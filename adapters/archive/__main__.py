"""Serve the SF1470 archive stand-in for people and vendors: ``python -m adapters.archive``.

It answers ``POST /sts-soap-sagdok/sagdokumentindeks/6`` (fremsoeg, importer, opdater) from
an empty in-memory index until interrupted.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from adapters.archive.standin import SOAP_PATH, ArchiveStandin, Failure, OperationFailure
from adapters.soap import command


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: where to listen and how to misbehave."""
    return command.options(
        argv,
        prog="python -m adapters.archive",
        description=__doc__,
        port=8090,
        failures=(*Failure, *OperationFailure),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stand-in until interrupted."""
    args = options(argv)
    standin = ArchiveStandin(delay_s=args.delay)
    standin.failure = args.failure
    url = f"http://{args.host}:{args.port}{SOAP_PATH}"
    command.serve(standin.asgi(), args, [f"SF1470 stand-in on {url}"])


if __name__ == "__main__":
    main()
