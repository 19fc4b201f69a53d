"""Whether an event ends a deadline without a miss: the reason for the duty went away.

A rule lists its ``withdrawn_by`` (``hub.clock.rules``): the measure ended, the case
closed. An ending withdraws an open deadline of its case when it names the trigger's
record (the measure the deadline concerns) and happened between the day the clock started
and the due time. An ending after the due time comes too late: the duty was missed
already. An ending before the clock's start day is of an earlier life of the record (the
case was closed, then something new started in it) and leaves the deadline standing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hub.clock import facts
from hub.clock.facts import Data
from hub.clock.localtime import instant, local_date
from hub.clock.model import Rule, Withdrawal

__all__ = ["in_time", "records_of", "withdrawal"]


def records_of(rule: Rule, trigger_data: Data) -> tuple[tuple[str, str], ...]:
    """The trigger's records its withdrawals name (e.g. its ``measure_id``), sorted."""
    found = {}
    for ending in rule.withdrawn_by:
        if ending.link is not None:
            record = facts.text(trigger_data, ending.link[0])
            if record:
                found[ending.link[0]] = record
    return tuple(sorted(found.items()))


def withdrawal(
    rule: Rule, record: Callable[[str], str | None], event_type: str, data: Data
) -> Withdrawal | None:
    """The rule's withdrawal an ``event_type`` event with ``data`` makes, or None.

    ``record(field)`` is the deadline's trigger record in ``field``. A deadline whose
    trigger named no record is never withdrawn by an ending that names one: which
    measure it concerned is unknown, and withdrawing it wrongly would hide a duty.
    """
    for ending in rule.withdrawn_by:
        if ending.event_type != event_type:
            continue
        if ending.link is None:
            return ending
        mine = record(ending.link[0])
        if mine is not None and facts.text(data, ending.link[1]) == mine:
            return ending
    return None


def in_time(ended: dt.datetime, starts_at: dt.datetime, due_at: dt.datetime) -> bool:
    """True when an ending at ``ended`` falls from the clock's start day to the due time."""
    return local_date(ended) >= local_date(starts_at) and instant(ended) <= instant(due_at)
