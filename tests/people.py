"""Synthetic people for tests: CPR numbers with day + 60, so never a real person's."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

__all__ = ["cpr_for", "synthetic_cprs"]


def _digit7(year: int) -> int:
    """A 7th digit that gives ``year``'s century under the CPR rule."""
    if 1900 <= year <= 1999:
        return 2
    if 2000 <= year <= 2036:
        return 4
    if 2037 <= year <= 2057:
        return 5
    if 1858 <= year <= 1899:
        return 6
    raise ValueError(year)


def cpr_for(birth: dt.date, serial: int = 123, *, hyphen: bool = False) -> str:
    """A synthetic CPR number for a birth date: the day digit is raised by 6."""
    head = f"{birth.day + 60:02d}{birth.month:02d}{birth.year % 100:02d}"
    tail = f"{_digit7(birth.year)}{serial % 1000:03d}"
    return f"{head}-{tail}" if hyphen else head + tail


CHILD = cpr_for(dt.date(2016, 3, 14), 123)
MOTHER = cpr_for(dt.date(1990, 7, 2), 456)


@st.composite
def synthetic_cprs(draw: st.DrawFn) -> str:
    """Any synthetic CPR number the century rule can express, with or without hyphen."""
    birth = draw(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2057, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=999))
    return cpr_for(birth, serial, hyphen=draw(st.booleans()))
