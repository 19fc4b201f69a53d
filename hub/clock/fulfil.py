"""Whether an event meets a deadline, and when it happened: judged on the event's data.

A fulfilment meets a rule's deadline when its type is one the rule lists, its data passes
the rule's ``met_if`` condition and, when the rule links trigger and fulfilment by a
field, it names the trigger's record. A fulfilment that names no record at all (an empty
list, an absent field) is matched by case: the engine only offers it the case's deadlines.
A rule's ``before`` event (the decision) cuts its deadline off when it names the same record.

Whether it counts depends on when it happened, never on when it was read (topics have no
order between them): on or after the day the clock started it always counts; before that
day as the rule's ``prior`` says (``counts``).
"""

from __future__ import annotations

import datetime as dt

from hub.clock import facts
from hub.clock.conditions import applies
from hub.clock.events import MET_AT
from hub.clock.facts import Data
from hub.clock.localtime import local_date
from hub.clock.model import Prior, Rule

__all__ = ["counts", "cuts_off", "link_of", "meets", "met_at"]


def link_of(rule: Rule, trigger_data: Data) -> str | None:
    """The trigger's record the fulfilment must name, or None when the rule links nothing."""
    field = rule.record_field
    return None if field is None else facts.text(trigger_data, field)


def meets(rule: Rule, link: str | None, event_type: str, data: Data, time: dt.datetime) -> bool:
    """True when an ``event_type`` event with ``data`` meets the deadline ``rule`` set.

    ``link`` is the trigger's ``link_of``; ``time`` the event's time.

    Raises:
        EventDataError: the ``met_if`` condition needs a field the data lacks or garbles.

    """
    if event_type not in rule.fulfilled_by or not applies(rule.met_if, data, time):
        return False
    return rule.link is None or _names(data, rule.link[1], link)


def counts(
    rule: Rule, link: str | None, data: Data, happened: dt.datetime, starts_at: dt.datetime
) -> bool:
    """True when a fulfilment that ``meets`` the deadline and ``happened`` then counts for it.

    ``starts_at`` is when the deadline's clock started, ``link`` the trigger's record.
    """
    if local_date(happened) >= local_date(starts_at) or rule.prior is Prior.COUNTS:
        return True
    if rule.prior is Prior.COUNTS_IF_NAMED and rule.link is not None and link is not None:
        named = data.get(rule.link[1])
        return link in named if isinstance(named, list | tuple) else named == link
    return False


def cuts_off(rule: Rule, link: str | None, event_type: str, data: Data) -> bool:
    """True when an ``event_type`` event with ``data`` is the ``before`` event of the deadline.

    ``link`` is the trigger's ``link_of``: the decision must be on the proposed measure.
    """
    if rule.before is None or event_type != rule.before:
        return False
    return rule.before_link is None or _names(data, rule.before_link[1], link)


def _names(data: Data, field: str, link: str | None) -> bool:
    """The event names the trigger's record in ``field``, or names none (matched by case)."""
    named = data.get(field)
    if link is None or named is None or named in ((), []):
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
