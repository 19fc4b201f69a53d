"""The command line of a SOAP stand-in: where to listen, how to misbehave, and serving it.

Each service's ``__main__`` names its program, its port and its failure modes, builds its
stand-in from ``options`` and hands it to ``serve`` with the lines it prints first.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum

import uvicorn
from starlette.applications import Starlette

__all__ = ["options", "serve"]


def options(
    argv: Sequence[str] | None,
    *,
    prog: str,
    description: str | None,
    port: int,
    failures: Iterable[StrEnum],
) -> argparse.Namespace:
    """Host, port, failure mode (``failure``: the member of ``failures`` chosen) and delay."""
    modes = {failure.value: failure for failure in failures}
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--failure", choices=list(modes), default="none")
    parser.add_argument("--delay", type=float, default=30.0, help="seconds, for --failure timeout")
    args = parser.parse_args(argv)
    args.failure = modes[args.failure]
    return args


def serve(app: Starlette, args: argparse.Namespace, banner: Iterable[str]) -> None:
    """Print ``banner``, then serve ``app`` where ``args`` say until interrupted."""
    sys.stdout.write("".join(f"{line}\n" for line in banner))
    uvicorn.run(app, host=args.host, port=args.port, log_config=None)
