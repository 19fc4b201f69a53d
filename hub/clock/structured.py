"""One CloudEvent in structured JSON mode, read just far enough to compute its deadlines.

Only what the clock needs is checked: ``specversion`` 1.0, a non-empty ``id`` and
``type``, ``time`` with a UTC offset and a JSON object ``data``. Validating the data
against its contract is the decoder's job, not this reader's. Errors name the attribute,
never its value.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from hub.clock.facts import EventDataError

__all__ = ["StructuredEvent", "parse_structured"]


@dataclass(frozen=True, slots=True)
class StructuredEvent:
    """The attributes the deadline rules read, and the data."""

    id: str
    type: str
    time: dt.datetime
    data: dict[str, Any]


def parse_structured(raw: bytes | str) -> StructuredEvent:
    """Read a structured-mode CloudEvent.

    Raises:
        EventDataError: not JSON, not an object, or an attribute missing or malformed.

    """
    try:
        event = json.loads(raw)
    except (ValueError, RecursionError):
        msg = "input: not a JSON document (UTF-8)"
        raise EventDataError(msg) from None
    if not isinstance(event, dict):
        msg = "input: expected a JSON object (a CloudEvent in structured mode)"
        raise EventDataError(msg)
    if event.get("specversion") != "1.0":
        msg = "specversion: expected 1.0"
        raise EventDataError(msg)
    for name in ("id", "type"):
        if not isinstance(event.get(name), str) or not event[name].strip():
            msg = f"{name}: required, a non-empty string"
            raise EventDataError(msg)
    data = event.get("data")
    if not isinstance(data, dict):
        msg = "data: required, a JSON object"
        raise EventDataError(msg)
    return StructuredEvent(event["id"], event["type"], _time(event.get("time")), data)


def _time(value: object) -> dt.datetime:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
    msg = "time: required, an RFC 3339 time with a UTC offset"
    raise EventDataError(msg)
