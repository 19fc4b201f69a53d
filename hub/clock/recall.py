"""Facts a later event needs from an earlier one, which its own contract does not carry.

``LetterDelivered`` starts the appeal clock, but only ``LetterRequested`` says which
decision the letter carries; ``MeasureStarted`` starts placement clocks, but only
``MeasureDecided`` says the measure is a placement (and the same for its follow-ups and
end, and for a committee decision on it); the youth plan and the aftercare
decision depend on the child's age, but only ``CaseOpened`` and ``NotificationReceived``
name the child. The engine remembers those fields (keyed ``fact:<kind>:<record id>`` in
its state, the case id for the child) and adds them to the later event's data. One event
may leave more than one fact: a decision is kept by its measure and by its decision id.

Of the child it keeps the birth date alone, never the CPR number it was read from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hub.clock import events as ev
from hub.clock import facts
from hub.clock.facts import Data, MeasureKind

__all__ = ["REMEMBERED", "Fact", "Recall", "recalls_for", "remember"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One kind of remembered fact, kept per record: the one ``id_field`` names, or the case."""

    kind: str
    id_field: str | None  # None: the fact belongs to the case (the envelope's case id)
    source: str  # the earlier event, in words (for the reason a later event waits)

    def key(self, data: Data, case_id: str) -> str | None:
        """The state key for the record this data names, or None when it names none."""
        record = case_id if self.id_field is None else data.get(self.id_field)
        return f"fact:{self.kind}:{record}" if isinstance(record, str) and record else None


@dataclass(frozen=True, slots=True)
class Recall:
    """A fact one event type takes from an earlier one, and when it must wait for it."""

    fact: Fact
    # True when the event must wait for the fact (the earlier event is on another topic);
    # judged on the event's data with the facts recalled before this one.
    required: Callable[[Data], bool]


_LETTER = Fact("letter", "letter_id", "the letter's letter.requested")
_MEASURE = Fact("measure", "measure_id", "the measure's decision.measure-decided")
_DECISION = Fact("decision", "decision_id", "the decision's decision.measure-decided")
_CHILD = Fact("child", None, "the case's case.opened or notification.received")

_PLACEMENTS = frozenset({MeasureKind.PLACEMENT_WITH_CONSENT, MeasureKind.PLACEMENT_WITHOUT_CONSENT})


def _fields(*names: str) -> Callable[[Data], dict[str, Any]]:
    return lambda data: {f: data[f] for f in names if data.get(f) is not None}


def _child(data: Data) -> dict[str, Any]:
    """The birth date in ``child_cpr`` (absent for an unborn child: nothing to keep)."""
    if data.get("child_cpr") is None:
        return {}
    return {"child_birth_date": facts.birth_date({"child_cpr": data["child_cpr"]}).isoformat()}


def _always(_: Data) -> bool:
    return True


def _never(_: Data) -> bool:
    return False


def _placement(data: Data) -> bool:
    return facts.measure_kind(data) in _PLACEMENTS


Reader = Callable[[Data], dict[str, Any]]

REMEMBERED: MappingProxyType[str, tuple[tuple[Fact, Reader], ...]] = MappingProxyType(
    {
        ev.LETTER_REQUESTED: ((_LETTER, _fields("decision_id")),),
        ev.MEASURE_DECIDED: (
            (_MEASURE, _fields("kind", "consent")),
            (_DECISION, _fields("kind", "consent")),
        ),
        ev.CASE_OPENED: ((_CHILD, _child),),
        ev.NOTIFICATION_RECEIVED: ((_CHILD, _child),),
    }
)
"""Event type → the facts it leaves for later events, and how to read each from the data."""

_RECALLED = MappingProxyType(
    {
        ev.LETTER_DELIVERED: (Recall(_LETTER, _never),),
        # The youth plan's age condition is judged on every decision.
        ev.MEASURE_DECIDED: (Recall(_CHILD, _always),),
        # In this order: the measure says whether it is a placement, which needs the age.
        ev.MEASURE_STARTED: (Recall(_MEASURE, _always), Recall(_CHILD, _placement)),
        # Whether a follow-up or an end is a placement's (a statistics clock). They do not
        # wait for the decision: months after it, it has been read, and an end that waited
        # would hold back the withdrawals it makes. One read before it sets no clock.
        ev.FOLLOW_UP_COMPLETED: (Recall(_MEASURE, _never),),
        ev.MEASURE_ENDED: (Recall(_MEASURE, _never),),
        # The committee's decision on a decided measure; a committee decision with no
        # measure (yet) is judged on its basis. Both come on the decision topic, in order.
        ev.COMMITTEE_DECIDED: (Recall(_DECISION, _never),),
    }
)
"""Event type → the facts it takes from earlier events, in order."""


def remember(event_type: str, data: Data, case_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The keys and fields to keep from this event (empty when none).

    Raises:
        EventDataError: the data garbles a field the fact is read from.

    """
    found = []
    for fact, read in REMEMBERED.get(event_type, ()):
        key = fact.key(data, case_id)
        fields = read(data) if key else {}
        if key and fields:
            found.append((key, fields))
    return found


def recalls_for(event_type: str) -> tuple[Recall, ...]:
    """What this event takes from earlier ones, in order (empty when nothing)."""
    return _RECALLED.get(event_type, ())
