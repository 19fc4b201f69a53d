"""The steps one event of a deadline's case takes it: met, missed or withdrawn.

One function for every event, whether the engine reads it after the deadline was set or
remembered it from before (``hub.components.deadlines.early``): the outcome depends on what happened
when, never on the order the engine read it in.

- a fulfilment that ``meets`` the deadline and ``counts`` for it: met, or missed (dated at
  the due time) when it happened after the due time;
- the rule's ``before`` event on the same record (the decision): missed;
- an ending the rule lists (``endings``), in time: withdrawn, with its reason.
"""

from __future__ import annotations

import datetime as dt

from hub.clock.endings import in_time, withdrawal
from hub.clock.facts import Data
from hub.clock.fulfil import counts, cuts_off, meets, met_at
from hub.clock.rules import RULES_BY_ID
from hub.clock.tracked import Step, Tracked

__all__ = ["steps_for"]


def steps_for(
    tracked: Tracked, cause_id: str, event_type: str, data: Data, time: dt.datetime
) -> tuple[Step, ...]:
    """The steps an event (id ``cause_id``, envelope time ``time``) takes ``tracked``.

    Empty when the event does not concern the deadline or the deadline is final.

    Raises:
        EventDataError: a field the rule reads is missing or garbled.

    """
    if tracked.status.final:
        return ()
    rule = RULES_BY_ID[tracked.rule_id]
    if meets(rule, tracked.link, event_type, data, time):
        happened = met_at(event_type, data, time)
        if not counts(rule, tracked.link, data, happened, tracked.starts_at):
            return ()
    elif cuts_off(rule, tracked.link, event_type, data):
        happened = met_at(event_type, data, time)
    else:
        ending = withdrawal(rule, tracked.record, event_type, data)
        if ending is None:
            return ()
        ended = met_at(event_type, data, time)
        if not in_time(ended, tracked.starts_at, tracked.due_at):
            return ()
        _, transitions = tracked.tracker().on_ending(ended)
        return tuple(
            Step(t.status, t.at, cause_id, reason=ending.reason.value) for t in transitions
        )
    _, transitions = tracked.tracker().on_event(event_type, happened)
    return tuple(Step(t.status, t.at, cause_id) for t in transitions)
