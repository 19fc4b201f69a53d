"""Serve the SF1470 archive stand-in for people and vendors: ``python -m adapters.archive``.

It answers ``POST /sts-soap-sagdok/sagdokumentindeks/6`` (fremsoeg, importer, opdater) from
an empty in-memory index until interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from adapters.archive.standin import SOAP_PATH, Failure, OperationFailure, SoapStandin

_FAILURES = {failure.value: failure for failure in (*Failure, *OperationFailure)}


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: where to listen and how to misbehave."""
    parser = argparse.ArgumentParser(prog="python -m adapters.archive", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--failure", choices=list(_FAILURES), default="none")
    parser.add_argument("--delay", type=float, default=30.0, help="seconds, for --failure timeout")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stand-in until interrupted."""
    args = options(argv)
    standin = SoapStandin(delay_s=args.delay)
    standin.failure = _FAILURES[args.failure]
    sys.stdout.write(f"SF1470 stand-in on http://{args.host}:{args.port}{SOAP_PATH}\n")
    uvicorn.run(standin.app(), host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
