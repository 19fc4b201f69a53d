"""Facts a later event needs from an earlier one, which its own contract does not carry.

``LetterDelivered`` starts the appeal clock, but only ``LetterRequested`` says which
decision the letter carries; ``MeasureStarted`` starts placement clocks, but only
``MeasureDecided`` says the measure is a placement. The engine remembers those fields
(keyed ``fact:<kind>:<record id>`` in its state) and adds them to the later event's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hub.deadlines import events as ev
from hub.deadlines.facts import Data

__all__ = ["REMEMBERED", "Recall", "recall_for", "remember"]


@dataclass(frozen=True, slots=True)
class Recall:
    """Where one event type's facts are kept: by the record id in ``id_field``."""

    kind: str
    id_field: str
    fields: tuple[str, ...]
    required: bool  # a later event without it waits (the earlier one is on another topic)

    def key(self, data: Data) -> str | None:
        """The state key for the record this data names, or None when it names none."""
        record = data.get(self.id_field)
        return f"fact:{self.kind}:{record}" if isinstance(record, str) and record else None


_LETTER = Recall("letter", "letter_id", ("decision_id",), required=False)
_MEASURE = Recall("measure", "measure_id", ("kind", "consent"), required=True)

REMEMBERED = MappingProxyType({ev.LETTER_REQUESTED: _LETTER, ev.MEASURE_DECIDED: _MEASURE})
"""Event type → what it leaves for later events."""

_RECALLED = MappingProxyType({ev.LETTER_DELIVERED: _LETTER, ev.MEASURE_STARTED: _MEASURE})
"""Event type → what it takes from an earlier one."""


def remember(event_type: str, data: Data) -> tuple[str, dict[str, Any]] | None:
    """The key and fields to keep from this event, or None."""
    recall = REMEMBERED.get(event_type)
    key = recall.key(data) if recall else None
    if recall is None or key is None:
        return None
    fields = {f: data[f] for f in recall.fields if data.get(f) is not None}
    return (key, fields) if fields else None


def recall_for(event_type: str) -> Recall | None:
    """What this event takes from an earlier one, or None."""
    return _RECALLED.get(event_type)
