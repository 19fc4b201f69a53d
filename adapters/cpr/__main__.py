"""Serve the CPR SOAP stand-in for people and vendors: ``python -m adapters.cpr --port 8089``.

It answers ``POST /service/CPR/PersonBaseDataExtended/4`` from the synthetic population
(printed at start: synthetic numbers only, never a real person's) until interrupted.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from adapters.cpr.standin import SOAP_PATH, CprStandin, Failure
from adapters.soap import command

_ROLES = ("child", "mother", "father", "single_custody_child", "protected", "unknown")


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: where to listen and how to misbehave."""
    return command.options(
        argv, prog="python -m adapters.cpr", description=__doc__, port=8089, failures=Failure
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stand-in until interrupted."""
    args = options(argv)
    standin = CprStandin(delay_s=args.delay)
    standin.failure = args.failure
    people = standin.population
    lines = [f"CPR stand-in on http://{args.host}:{args.port}{SOAP_PATH} (synthetic people)"]
    lines += [f"  {role}: {getattr(people, role).reveal()}" for role in _ROLES]
    command.serve(standin.asgi(), args, lines)


if __name__ == "__main__":
    main()
