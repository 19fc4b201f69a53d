"""Serve the CPR SOAP stand-in for people and vendors: ``python -m adapters.cpr --port 8089``.

It answers ``POST /service/CPR/PersonBaseDataExtended/4`` from the synthetic population
(printed at start: synthetic numbers only, never a real person's) until interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from adapters.cpr.standin import SOAP_PATH, Failure, SoapStandin

_ROLES = ("child", "mother", "father", "single_custody_child", "protected", "unknown")


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: where to listen and how to misbehave."""
    parser = argparse.ArgumentParser(prog="python -m adapters.cpr", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--failure", choices=[f.value for f in Failure], default="none")
    parser.add_argument("--delay", type=float, default=30.0, help="seconds, for --failure timeout")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stand-in until interrupted."""
    args = options(argv)
    standin = SoapStandin(delay_s=args.delay)
    standin.failure = Failure(args.failure)
    people = standin.population
    lines = [f"CPR stand-in on http://{args.host}:{args.port}{SOAP_PATH} (synthetic people)"]
    lines += [f"  {role}: {getattr(people, role).reveal()}" for role in _ROLES]
    sys.stdout.write("\n".join(lines) + "\n")
    uvicorn.run(standin.app(), host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
