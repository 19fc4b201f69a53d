"""Benchmark: archival versions of synthetic histories of two sizes, pages/s and peak RSS.

``python -m adapters.rigsarkivet.benchmark --schemas DIR [--cases 1000 10000] [--pages 2]``

Each size is built in a fresh process (so its peak RSS is its own, read from ``wait4``),
with 14 events and 2 documents of ``--pages`` pages per case. Memory should not grow
with the history: the large build's peak RSS is printed as a ratio of the small one's
(the target is at most 1.10). Not part of ``make test``; it writes into a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]


def _one(cases: int, pages: int, dpi: int, schemas: Path) -> None:
    """Build one version (in this process) and print its figures as JSON."""
    from adapters.rigsarkivet.build import build_version  # noqa: PLC0415
    from adapters.rigsarkivet.indices import ArchiveDescription  # noqa: PLC0415
    from adapters.rigsarkivet.sample import SampleDocuments, sample_history  # noqa: PLC0415

    start, end = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    about = ArchiveDescription("AVID.SA.1.1", "Benchmark", start, end)
    documents = SampleDocuments()
    with tempfile.TemporaryDirectory(prefix="avid-bench-") as out:
        began = time.perf_counter()
        built = asyncio.run(
            build_version(
                sample_history(documents, cases=cases, pages=pages, start=start, end=end),
                documents,
                about,
                Path(out),
                schemas,
                dpi=dpi,
            )
        )
        seconds = time.perf_counter() - began
    figures = {"cases": built.cases, "pages": built.pages, "seconds": seconds,
               "files": built.version.files, "bytes": built.version.size_bytes}  # fmt: skip
    sys.stdout.write(json.dumps(figures) + "\n")


def _measure(cases: int, pages: int, dpi: int, schemas: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "adapters.rigsarkivet.benchmark", "--one", str(cases),
               "--pages", str(pages), "--dpi", str(dpi), "--schemas", str(schemas)]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - ours
    assert child.stdout is not None  # noqa: S101 - PIPE was asked for
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        msg = f"build of {cases} cases failed ({child.returncode})"
        raise SystemExit(msg)
    figures: dict[str, float] = json.loads(output)
    figures["peak_rss_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one line per size and the RSS ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=Path, required=True, help="Official XSDs folder.")
    parser.add_argument("--cases", type=int, nargs=2, default=[1000, 10000])
    parser.add_argument("--pages", type=int, default=2, help="Pages per document.")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        _one(args.one, args.pages, args.dpi, args.schemas)
        return 0
    results = [_measure(n, args.pages, args.dpi, args.schemas) for n in args.cases]
    for result in results:
        sys.stdout.write(
            f"cases {result['cases']:>7.0f}  pages {result['pages']:>7.0f}  "
            f"{result['pages'] / result['seconds']:7.1f} pages/s  "
            f"peak RSS {result['peak_rss_mib']:7.1f} MiB  ({result['seconds']:.0f} s, "
            f"{result['bytes'] / 2**20:.0f} MiB on disk)\n"
        )
    ratio = results[1]["peak_rss_mib"] / results[0]["peak_rss_mib"]
    sys.stdout.write(f"peak RSS large/small: {ratio:.3f} (target <= 1.10)\n")
    return 0 if ratio <= 1.10 else 1  # noqa: PLR2004 - the target


if __name__ == "__main__":
    sys.exit(main())
