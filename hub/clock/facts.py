"""Reading the facts a rule needs from an event's JSON data, without quoting any value.

A missing or malformed field raises ``EventDataError`` naming the field and what was
expected, never its content: data carries CPR numbers and case text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NoReturn

from hub.clock.localtime import COPENHAGEN
from hub.runtime.errors import PermanentError

__all__ = [
    "EventDataError",
    "MeasureKind",
    "birth_date",
    "flag",
    "has_text",
    "measure_kind",
    "moment",
    "optional_date",
    "text",
]

Data = Mapping[str, Any]

_ISO_DATE_LENGTH = len("2026-01-31")
_SUPPORTING_KINDS = frozenset(
    {
        "consultancy",
        "practical_help",
        "family_treatment",
        "treatment_of_child",
        "respite_care",
        "personal_adviser",
        "contact_person",
        "other_support",
    }
)
"""``MeasureDecided.kind`` values of BL §32 stk. 1 nr. 1-8: supporting measures."""
_YOUNG_PERSON = "placement_of_young_person"  # BL §49: with or without consent per ``consent``


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
    """A required RFC 3339 time with a UTC offset, or an ISO date (00:00 Copenhagen)."""
    value = data.get(field)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
        if parsed is not None and len(value) == _ISO_DATE_LENGTH:
            return dt.datetime.combine(parsed.date(), dt.time(), COPENHAGEN)
    _reject(field, "required: an RFC 3339 time with a UTC offset, or an ISO date")


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
    """The rules' kind of the measure in ``kind`` (``MeasureDecided.kind``) and ``consent``."""
    value = data.get("kind")
    if value in _SUPPORTING_KINDS:
        return MeasureKind.SUPPORTING
    if value in {MeasureKind.PLACEMENT_WITH_CONSENT, MeasureKind.PLACEMENT_WITHOUT_CONSENT}:
        return MeasureKind(value)
    if value == _YOUNG_PERSON:
        consent = data.get("consent")
        if not isinstance(consent, bool):
            _reject("consent", "required for placement_of_young_person: true or false")
        if consent:
            return MeasureKind.PLACEMENT_WITH_CONSENT
        return MeasureKind.PLACEMENT_WITHOUT_CONSENT
    _reject("kind", "required: a MeasureDecided kind")


def flag(data: Data, field: str) -> bool:
    """A required boolean."""
    value = data.get(field)
    if isinstance(value, bool):
        return value
    _reject(field, "required: true or false")


def text(data: Data, field: str) -> str | None:
    """An optional string field (None when absent or not a string)."""
    value = data.get(field)
    return value if isinstance(value, str) else None


def has_text(data: Data, field: str) -> bool:
    """The field is present as a non-empty string."""
    value = data.get(field)
    return isinstance(value, str) and bool(value.strip())
