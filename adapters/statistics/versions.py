"""DST's format versions by half-year: which one a sender uses, which ones a receiver takes.

Danmarks Statistik changes the delivery format each 1 January and 1 July (the data-reporting
order is revised then). A version is named by the half-year it starts, ``YYYY-01`` or
``YYYY-07``, and is in force from 00:00 Europe/Copenhagen on that day. The sender picks the
version in force on the report's date. Around a change two versions are live: the receiver
accepts the previous one for ``OVERLAP`` after the new one starts, so a report made on
30 June and redelivered on 2 July still passes.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from hub.clock.localtime import local_date

__all__ = ["OVERLAP", "VERSIONS", "UnknownVersionError", "accepted_on", "valid_from", "version_for"]

VERSIONS: Final = ("2025-07", "2026-01", "2026-07")
"""Every format this adapter can write and read, oldest first."""

OVERLAP: Final = dt.timedelta(days=31)
"""How long after a change the receiver still takes the previous version."""


class UnknownVersionError(ValueError):
    """No known format is in force then (before the first one), or the name is unknown."""


def valid_from(version: str) -> dt.date:
    """The first day of ``version``.

    Raises:
        UnknownVersionError: not one of ``VERSIONS``.

    """
    if version not in VERSIONS:
        msg = "unknown format version"
        raise UnknownVersionError(msg)
    year, month = version.split("-")
    return dt.date(int(year), int(month), 1)


def version_for(moment: dt.datetime) -> str:
    """The version in force at ``moment`` (an aware time, read in Copenhagen).

    Raises:
        UnknownVersionError: ``moment`` is before the first known version.
        ValueError: ``moment`` has no UTC offset.

    """
    day = local_date(moment)
    in_force = [v for v in VERSIONS if valid_from(v) <= day]
    if not in_force:
        msg = "no format version in force on that date"
        raise UnknownVersionError(msg)
    return in_force[-1]


def accepted_on(moment: dt.datetime) -> tuple[str, ...]:
    """The versions a receiver takes at ``moment``.

    The one in force, and during the overlap window after a change the previous one too.

    Raises:
        UnknownVersionError: ``moment`` is before the first known version.

    """
    current = version_for(moment)
    index = VERSIONS.index(current)
    if index > 0 and local_date(moment) < valid_from(current) + OVERLAP:
        return (VERSIONS[index - 1], current)
    return (current,)
