"""Local time in Denmark: the zone every deadline is shown in, and where a day ends.

A deadline counted in days ends with the last microsecond of its local day
(23:59:59.999999 Europe/Copenhagen). We chose that over "00:00 the next day" so a due
time shows the day it is due on; every moment of that day is on time, and with
microsecond timestamps nothing falls between the two readings.

Compare and subtract instants with ``instant``: Python compares and subtracts two aware
datetimes that share a tzinfo by their wall-clock readings, which is wrong across a DST
change (02:15 CET on the last Sunday of October is after 02:30 CEST that night).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["COPENHAGEN", "end_of_day", "instant", "local_date", "start_of_day", "to_local"]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
"""The zone of every Danish legal clock (CET, CEST in summer)."""


def to_local(moment: dt.datetime) -> dt.datetime:
    """The same instant in Europe/Copenhagen; refuse a naive time, which names no instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = "a deadline needs a time with a UTC offset"
        raise ValueError(msg)
    return moment.astimezone(COPENHAGEN)


def instant(moment: dt.datetime) -> dt.datetime:
    """The same instant in UTC: safe to compare and subtract."""
    return to_local(moment).astimezone(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Denmark at that instant."""
    return to_local(moment).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00 local on ``day`` (never inside a DST gap: Denmark changes at 02:00 and 03:00)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=COPENHAGEN)


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 local on ``day``: the last moment that is still on time."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=COPENHAGEN)
