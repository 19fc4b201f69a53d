"""Whether an event meets a deadline, and when it happened: judged on the event's data.

A fulfilment meets a rule's deadline when its type is one the rule lists, its data passes
the rule's ``met_if`` condition and, when the rule links trigger and fulfilment by a
field, it names the trigger's record. A fulfilment that names no record at all (an empty
list, an absent field) is matched by case: the engine only offers it the case's deadlines.
"""

from __future__ import annotations

import datetime as dt

from hub.deadlines import facts
from hub.deadlines.conditions import applies
from hub.deadlines.events import MET_AT
from hub.deadlines.facts import Data
from hub.deadlines.model import Rule

__all__ = ["link_of", "meets", "met_at"]


def link_of(rule: Rule, trigger_data: Data) -> str | None:
    """The trigger's record the fulfilment must name, or None when the rule links nothing."""
    if rule.link is None:
        return None
    return facts.text(trigger_data, rule.link[0])


def meets(rule: Rule, link: str | None, event_type: str, data: Data, time: dt.datetime) -> bool:
    """True when an ``event_type`` event with ``data`` meets the deadline ``rule`` set.

    ``link`` is the trigger's ``link_of``; ``time`` the event's time.

    Raises:
        EventDataError: the ``met_if`` condition needs a field the data lacks or garbles.

    """
    if event_type not in rule.fulfilled_by or not applies(rule.met_if, data, time):
        return False
    if rule.link is None or link is None:
        return True
    named = data.get(rule.link[1])
    if named is None or named in ((), []):
        return True
    if isinstance(named, list | tuple):
        return link in named
    return bool(named == link)


def met_at(event_type: str, data: Data, time: dt.datetime) -> dt.datetime:
    """When the fulfilment happened: its data's own time (``MET_AT``), else ``time``.

    Raises:
        EventDataError: the field is there but garbled.

    """
    field = MET_AT.get(event_type)
    if field is None or data.get(field) is None:
        return time
    return facts.moment(data, field)
