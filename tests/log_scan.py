"""The end-of-run log scan: no CPR number the tests used may reach any log line.

The run's log copy is rendered without the CPR mask, so a hit means code logged a number,
not merely that the mask missed it. The numbers looked for are the synthetic people of
the tests and of the stand-ins (each with and without the hyphen).

The scan also masks every line as production would and counts the UUIDs the mask
damaged: none may be, or the events they name could not be traced.
"""

from __future__ import annotations

import re
from pathlib import Path

from adapters.cpr.population import synthetic_population
from hub.runtime.logs import mask_cpr_text
from tests.people import CHILD, MOTHER

__all__ = ["damaged_uuids", "known_numbers", "line_count", "logged_numbers"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def known_numbers() -> set[str]:
    """The CPR numbers the test run uses for people, in both spellings."""
    population = synthetic_population()
    digits = {CHILD, MOTHER}
    digits |= {cpr.reveal() for cpr in population.people}
    return digits | {f"{d[:6]}-{d[6:]}" for d in digits}


def logged_numbers(path: Path) -> set[str]:
    """The known numbers that appear in the log file."""
    if not path.exists():
        return set()
    text = path.read_text(encoding="utf-8", errors="replace")
    return {number for number in known_numbers() if number in text}


def line_count(path: Path) -> int:
    """How many lines the log file has."""
    if not path.exists():
        return 0
    with path.open(encoding="utf-8", errors="replace") as lines:
        return sum(1 for _ in lines)


def damaged_uuids(path: Path) -> int:
    """How many UUIDs in the log file the CPR mask would not leave whole."""
    if not path.exists():
        return 0
    damaged = 0
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            found = _UUID.findall(line)
            if found:
                masked = mask_cpr_text(line)
                damaged += sum(1 for uuid in found if uuid not in masked)
    return damaged
