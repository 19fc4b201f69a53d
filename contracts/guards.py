"""Rules every contract applies to hostile input beyond its published schema.

Two rules, both checked at run time and invisible in the JSON Schemas (the published
schemas are frozen; a narrower schema would need a new version, see ``contracts.compat``):

* an id never holds a CPR number. An id is a field named ``id`` or ending in ``id``, ``_ids``
  or ``_uuid`` (``case_id``, ``caseid``, ``letter_ids``) and the envelope's ``subject``; a
  value with a
  CPR-shaped run of ten digits (``DDMMYY-SSSS`` or ``DDMMYYSSSS`` with a plausible day and
  month, not inside a longer run of digits) is refused, also inside a longer id
  (``N-6101601234``). A canonical UUID in an id is exempt: the hub makes its ids from
  UUIDs (``N-<uuid>``), and one in four thousand random UUIDs has such a run across its
  first hyphen. A UUID made to hold a CPR number is the known gap of this rule.
* a timestamp (``Timestamp``) is an RFC 3339 string with a UTC offset, never a number or a
  digit string (pydantic would read one as Unix time), inside ``TIMESTAMP_WINDOW``.

Error messages name the problem, never the value.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "CPR_SHAPED_ID",
    "TIMESTAMP_WINDOW",
    "Timestamp",
    "check_id",
    "has_cpr_shape",
    "is_id_field",
]

_CPR_RUN: Final = re.compile(
    r"(?<![0-9])(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])(?:0[1-9]|1[0-2])"
    r"[0-9]{2}-?[0-9]{4}(?![0-9])"
)
_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_RFC3339: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
)

_ID_CODE: Final = "cpr_shaped_id"
_FORMAT_CODE: Final = "timestamp_format"
_WINDOW_CODE: Final = "timestamp_window"
CPR_SHAPED_ID: Final = "an id must not hold a CPR number"

TIMESTAMP_WINDOW: Final = (
    datetime(1990, 1, 1, tzinfo=UTC),
    datetime(2100, 1, 1, tzinfo=UTC),
)
"""The times any event may carry: child-welfare records start after 1990 (older cases
were migrated with their dates of migration), and deadlines run at most decades ahead."""


def has_cpr_shape(text: str) -> bool:
    """Whether ``text`` holds a CPR-shaped run of digits outside its canonical UUIDs."""
    return _CPR_RUN.search(_UUID.sub(" ", text)) is not None


def is_id_field(name: str) -> bool:
    """Whether a field of this name holds an id (and so must never hold a CPR number)."""
    return name == "id" or name.endswith(("id", "_ids", "_uuid"))


def check_id(value: object) -> object:
    """Refuse a CPR-shaped id (a string, or a sequence of strings); return it otherwise."""
    values = value if isinstance(value, tuple | list | frozenset | set) else (value,)
    for item in values:
        if isinstance(item, str) and has_cpr_shape(item):
            raise PydanticCustomError(_ID_CODE, CPR_SHAPED_ID)
    return value


def _rfc3339(value: object) -> object:
    # Parsed here, not by pydantic: its parser reads a digit string as Unix time.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _RFC3339.fullmatch(value) is not None:
        with contextlib.suppress(ValueError):  # a month 13, a day 32: the same problem
            return datetime.fromisoformat(value)
    msg = "not a timestamp: expected RFC 3339 with an offset, e.g. 2026-11-25T10:00:00+01:00"
    raise PydanticCustomError(_FORMAT_CODE, msg)


def _in_window(value: datetime) -> datetime:
    earliest, latest = TIMESTAMP_WINDOW
    if value < earliest:
        msg = "timestamp too far in the past"
        raise PydanticCustomError(_WINDOW_CODE, msg)
    if value >= latest:
        msg = "timestamp too far in the future"
        raise PydanticCustomError(_WINDOW_CODE, msg)
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_rfc3339), AfterValidator(_in_window)]
"""An aware time from RFC 3339 text (never a number), inside ``TIMESTAMP_WINDOW``."""
