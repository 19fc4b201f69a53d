"""One step of a case's journal: what an event says of the case, without personal data.

A step keeps the envelope's type, version, time and ids, and of the data only the fields
the contract classifies public or internal whose value is a single plain value: a number,
a flag, a time, a code or an id. Everything else is named and masked: personal and
sensitive fields, free text (it can quote anyone), and nested values (a nested value can
hold a person). Every reader, of every role, gets the masked journal (docs/operations.md).
"""

from __future__ import annotations

from typing import Any

from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.classification import CLASSIFICATION_KEY, Classification
from contracts.envelope import Event
from hub.runtime.logs import mask_cpr_text

__all__ = ["MASK", "in_sub_processes", "step_of"]

MASK = "•••"
_SHOWN = frozenset({Classification.PUBLIC.value, Classification.INTERNAL.value})


def step_of(event: Event[Contract]) -> dict[str, Any]:
    """The journal's step for ``event``."""
    envelope = event.envelope
    return {
        "time": envelope.time.isoformat(),
        "type": envelope.type,
        "version": envelope.contractversion,
        "event_id": envelope.id,
        "source": envelope.source,
        "correlation_id": envelope.correlationid,
        "causation_id": envelope.causationid,
        "fields": _fields(event.data),
    }


def in_sub_processes(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``steps`` (in time order), each with the sub-process the case was in at its time.

    That is the sub-process of the last ``CaseOpened`` at or before it (None before the
    first). Worked out when read, in time order: topics have no order between them, so a
    case's events do not arrive in the order they happened.
    """
    current = None
    placed = []
    for step in steps:
        if step["type"] == CaseOpened.event_type:
            current = step["fields"].get("sub_process")
        placed.append({**step, "sub_process": current})
    return placed


def _fields(data: Contract) -> dict[str, Any]:
    values = data.model_dump(mode="json")
    shown: dict[str, Any] = {}
    for name, field in type(data).model_fields.items():
        extra = field.json_schema_extra
        level = extra.get(CLASSIFICATION_KEY) if isinstance(extra, dict) else None
        value = values.get(name)
        shown[name] = value if level in _SHOWN and _plain(value) else MASK
    return shown


def _plain(value: Any) -> bool:  # noqa: ANN401 - a JSON value
    """A single value that cannot be free text about someone."""
    if isinstance(value, str):
        # A code, an id, a time: no whitespace; a CPR-shaped number is never one.
        return not any(c.isspace() for c in value) and mask_cpr_text(value) == value
    return value is None or isinstance(value, bool | int | float)
