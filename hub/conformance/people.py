"""Synthetic people: CPR numbers with day + 60, so never a real person's (DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

__all__ = ["cpr_for", "synthetic_cprs"]


_CENTURY_DIGITS = ((1900, 1999, 2), (2000, 2036, 4), (2037, 2057, 5), (1858, 1899, 6))
"""(first year, last year, a 7th digit that gives those years under the CPR rule)."""


def _digit7(year: int) -> int:
    """A 7th digit that gives ``year``'s century under the CPR rule."""
    for first, last, digit in _CENTURY_DIGITS:
        if first <= year <= last:
            return digit
    raise ValueError(year)


def cpr_for(birth: dt.date, serial: int = 123, *, hyphen: bool = False) -> str:
    """A synthetic CPR number for a birth date: the day digit is raised by 6."""
    head = f"{birth.day + 60:02d}{birth.month:02d}{birth.year % 100:02d}"
    tail = f"{_digit7(birth.year)}{serial % 1000:03d}"
    return f"{head}-{tail}" if hyphen else head + tail


@st.composite
def synthetic_cprs(draw: st.DrawFn) -> str:
    """Any synthetic CPR number the century rule can express, with or without hyphen."""
    birth = draw(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2057, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=999))
    return cpr_for(birth, serial, hyphen=draw(st.booleans()))
