"""Reading the facts a rule needs from an event's JSON data, without quoting any value.

A missing or malformed field raises ``EventDataError`` naming the field and what was
expected, never its content: data carries CPR numbers and case text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NoReturn

from hub.errors import PermanentError

__all__ = [
    "EventDataError",
    "MeasureKind",
    "birth_date",
    "has_text",
    "measure_kind",
    "moment",
    "optional_date",
]

Data = Mapping[str, Any]


class EventDataError(PermanentError):
    """The event lacks a field a deadline rule reads, or the field is malformed."""


class MeasureKind(StrEnum):
    """The kind of measure in ``measure_kind``, as the rules distinguish them."""

    SUPPORTING = "supporting"
    PLACEMENT_WITH_CONSENT = "placement_with_consent"
    PLACEMENT_WITHOUT_CONSENT = "placement_without_consent"


def _reject(field: str, expected: str) -> NoReturn:
    msg = f"data.{field}: {expected}"
    # from None: a parser's own error may quote the value, and tracebacks print context.
    raise EventDataError(msg) from None


def moment(data: Data, field: str) -> dt.datetime:
    """A required RFC 3339 time with a UTC offset."""
    value = data.get(field)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
    _reject(field, "required: an RFC 3339 time with a UTC offset")


def _date(data: Data, field: str) -> dt.date | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    _reject(field, "expected an ISO 8601 date (YYYY-MM-DD)")


def optional_date(data: Data, field: str) -> dt.date | None:
    """An optional ISO 8601 date."""
    return _date(data, field)


def birth_date(data: Data) -> dt.date:
    """The child's birth date: ``child_birth_date``, else the date in ``child_cpr``."""
    given = _date(data, "child_birth_date")
    if given is not None:
        return given
    cpr = data.get("child_cpr")
    if isinstance(cpr, str):
        # Imported here: it pulls in pydantic, which `casehub --help` should not wait for.
        from contracts.cpr import Cpr  # noqa: PLC0415

        try:
            return Cpr(cpr).birth_date
        except ValueError:
            _reject("child_cpr", "not a CPR number")
    _reject("child_birth_date", "required: an ISO 8601 date, or child_cpr")


def measure_kind(data: Data) -> MeasureKind:
    """The required ``measure_kind``."""
    value = data.get("measure_kind")
    if isinstance(value, str) and value in MeasureKind.__members__.values():
        return MeasureKind(value)
    kinds = ", ".join(kind.value for kind in MeasureKind)
    _reject("measure_kind", f"required: one of {kinds}")


def has_text(data: Data, field: str) -> bool:
    """The field is present as a non-empty string."""
    value = data.get(field)
    return isinstance(value, str) and bool(value.strip())
