"""Calendar arithmetic on dates: whole months, birthdays and age.

Someone born on 29 February has their birthday on 28 February in a common year. That is
the earlier of the two readings in use, so a deadline counted back from a birthday is
never later than the law's (unverified which reading Danish law uses).
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["add_months", "age_on", "birthday"]

_MONTHS_PER_YEAR = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * _MONTHS_PER_YEAR + day.month - 1 + months
    year, month0 = divmod(index, _MONTHS_PER_YEAR)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def birthday(birth: dt.date, age: int) -> dt.date:
    """The day someone born on ``birth`` turns ``age`` (29 February → 28 February)."""
    return add_months(birth, _MONTHS_PER_YEAR * age)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day``."""
    years = day.year - birth.year
    return years if birthday(birth, years) <= day else years - 1
