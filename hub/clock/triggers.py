"""Which deadlines one canonical event sets: the pure heart of ``casehub deadlines due``."""

from __future__ import annotations

import datetime as dt

from hub.clock import facts
from hub.clock.conditions import applies
from hub.clock.facts import Data
from hub.clock.model import Unit
from hub.clock.rules import rules_for
from hub.clock.schedule import Deadline, due_times
from hub.clock.workdays import DEFAULT_POLICY, CalendarPolicy

__all__ = ["deadlines_for"]


def deadlines_for(
    event_type: str,
    data: Data,
    time: dt.datetime,
    policy: CalendarPolicy = DEFAULT_POLICY,
) -> tuple[Deadline, ...]:
    """The deadlines an event of ``event_type`` sets (empty when it sets none).

    ``time`` is the envelope's time; a rule that names a data field (``received_at``,
    ``aware_since``) starts its clock there instead.

    Raises:
        EventDataError: a rule needs a field the data lacks or garbles.
        ValueError: ``time`` has no UTC offset.

    """
    found = []
    for rule in rules_for(event_type):
        start = facts.moment(data, rule.starts) if rule.starts else time
        if not applies(rule.condition, data, start):
            continue
        birth = facts.birth_date(data) if rule.unit is Unit.MONTHS_BEFORE_18TH_BIRTHDAY else None
        earlier = facts.optional_date(data, rule.earlier_of) if rule.earlier_of else None
        planned = facts.moment(data, rule.planned) if rule.planned else None
        found.append(
            due_times(
                rule, start, policy, birth_date=birth, earlier_end=earlier, planned_at=planned
            )
        )
    return tuple(found)
