"""The Danish working-day calendar: public holidays per year and counting working days.

A working day is Monday to Friday, except the public holidays (helligdage):

- New Year's Day (1 January), Christmas Day and Boxing Day (25 and 26 December);
- Maundy Thursday, Good Friday, Easter Sunday and Easter Monday;
- Store Bededag, the fourth Friday after Easter, until 2023 only (abolished from 2024);
- Ascension Day (Thursday, 39 days after Easter), Whit Sunday and Whit Monday.

Constitution Day (5 June), Christmas Eve and New Year's Eve are not public holidays, but
many municipalities close on them; ``CalendarPolicy`` says whether they count as days off
(by default they are working days).

Easter is computed with the anonymous Gregorian computus (Meeus/Jones/Butcher), a dozen
lines of integer arithmetic, so the calendar needs no dependency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "DEFAULT_POLICY",
    "LAST_STORE_BEDEDAG_YEAR",
    "CalendarPolicy",
    "add_working_days",
    "easter_sunday",
    "holidays",
    "is_working_day",
]

LAST_STORE_BEDEDAG_YEAR = 2023
"""Store Bededag was a public holiday for the last time in 2023."""

_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class CalendarPolicy:
    """Which of the customary days off count as days off (not working days)."""

    constitution_day_off: bool = False
    christmas_eve_off: bool = False
    new_years_eve_off: bool = False


DEFAULT_POLICY = CalendarPolicy()
"""Only the public holidays are days off."""


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=256)
def holidays(year: int, policy: CalendarPolicy = DEFAULT_POLICY) -> MappingProxyType[dt.date, str]:
    """Every day off in ``year`` (public holidays and the policy's days), by date, in order."""
    easter = easter_sunday(year)

    def after_easter(days: int) -> dt.date:
        return easter + dt.timedelta(days=days)

    days = {
        dt.date(year, 1, 1): "New Year's Day",
        after_easter(-3): "Maundy Thursday",
        after_easter(-2): "Good Friday",
        easter: "Easter Sunday",
        after_easter(1): "Easter Monday",
        after_easter(39): "Ascension Day",
        after_easter(49): "Whit Sunday",
        after_easter(50): "Whit Monday",
        dt.date(year, 12, 25): "Christmas Day",
        dt.date(year, 12, 26): "Boxing Day",
    }
    if year <= LAST_STORE_BEDEDAG_YEAR:
        days[after_easter(26)] = "Store Bededag"
    if policy.constitution_day_off:
        days[dt.date(year, 6, 5)] = "Constitution Day"
    if policy.christmas_eve_off:
        days[dt.date(year, 12, 24)] = "Christmas Eve"
    if policy.new_years_eve_off:
        days[dt.date(year, 12, 31)] = "New Year's Eve"
    return MappingProxyType(dict(sorted(days.items())))


def is_working_day(day: dt.date, policy: CalendarPolicy = DEFAULT_POLICY) -> bool:
    """Monday to Friday and not a day off."""
    return day.weekday() < _SATURDAY and day not in holidays(day.year, policy)


def add_working_days(start: dt.date, n: int, policy: CalendarPolicy = DEFAULT_POLICY) -> dt.date:
    """The ``n``-th working day after ``start`` (before it when ``n`` is negative).

    ``start`` itself is never counted, whether or not it is a working day, so
    ``add_working_days(friday, 1)`` is the next Monday that is a working day.
    ``n == 0`` returns ``start`` unchanged.
    """
    step = dt.timedelta(days=1 if n > 0 else -1)
    day = start
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day, policy):
            day += step
    return day
