"""Shorthands for Copenhagen times in the deadline tests."""

from __future__ import annotations

import datetime as dt

from hub.clock.localtime import COPENHAGEN

__all__ = ["elapsed", "eod", "local"]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A Copenhagen wall-clock time (the first, summer-time one in October's repeated hour)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN)


def eod(year: int, month: int, day: int) -> dt.datetime:
    """The end of a Copenhagen day: the last moment still on time."""
    return dt.datetime(year, month, day, 23, 59, 59, 999_999, tzinfo=COPENHAGEN)


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time between two instants (same-zone aware subtraction is wall-clock time)."""
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
