"""When a rule's deadline is due and when to escalate, from the time its clock starts.

Semantics (all results are aware datetimes in Europe/Copenhagen):

- ``HOURS``: exactly n real elapsed hours, computed in UTC. Across a DST change the local
  wall-clock difference is therefore 25 hours (end of March) or 23 hours (end of
  October) for a 24-hour clock: the law counts hours that pass, not clock faces.
- ``WORKING_DAYS``: the end of the n-th working day after the trigger's local day; the
  trigger day itself never counts, not even when the clock starts at 00:00.
- ``CALENDAR_DAYS``, ``WEEKS``: the end of the local day n (7 x n) days after the trigger day.
- ``CALENDAR_MONTHS``: the end of the same day n months later, clamped to the month's end
  (31 October + 4 months is 28 or 29 February).
- ``MONTHS_BEFORE_18TH_BIRTHDAY``: the end of the day n months before the 18th birthday,
  but never before the end of the trigger day (a late start is due at once).
- ``BEFORE_EVENT``: due when the trigger plans the ``before`` event (its ``planned``
  field; never before the clock starts), and missed at once if that event comes first.
- ``earlier_of``: when the rule names one and the fact is given, a date that ends the
  clock earlier wins (first follow-up: 3 months or the end of a parallel investigation).

"The end of a day" is 23:59:59.999999 local (``localtime``). Escalation is the due time
moved back by the rule's escalation span in its own unit (to the end of that day for day
units), and never before the clock starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.clock.dates import add_months, birthday
from hub.clock.localtime import COPENHAGEN, end_of_day, instant, to_local
from hub.clock.model import LegalBasis, Role, Rule, Span, Unit
from hub.clock.workdays import DEFAULT_POLICY, CalendarPolicy, add_working_days

__all__ = ["Deadline", "MissingFactError", "due_times"]

_ADULT = 18


class MissingFactError(ValueError):
    """A rule needs a fact (such as a birth date) that the event did not carry."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """One deadline set by one trigger: when it is due and when to escalate."""

    rule: Rule
    starts_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime | None

    @property
    def rule_id(self) -> str:
        """The rule's stable id."""
        return self.rule.id

    @property
    def legal_basis(self) -> LegalBasis:
        """Where the duty is written."""
        return self.rule.basis

    @property
    def concerns(self) -> Role:
        """Who must act."""
        return self.rule.concerns


def due_times(  # noqa: PLR0913 - the facts a rule may read are keyword-only
    rule: Rule,
    trigger_time: dt.datetime,
    policy: CalendarPolicy = DEFAULT_POLICY,
    *,
    birth_date: dt.date | None = None,
    earlier_end: dt.date | None = None,
    planned_at: dt.datetime | None = None,
) -> Deadline:
    """The deadline ``rule`` sets when its clock starts at ``trigger_time``.

    Raises:
        MissingFactError: the rule counts from a birthday and ``birth_date`` is None, or
            to a planned event and ``planned_at`` is None.
        ValueError: ``trigger_time`` or ``planned_at`` has no UTC offset.

    """
    start = to_local(trigger_time)
    if rule.unit is Unit.BEFORE_EVENT:
        if planned_at is None:
            msg = f"rule {rule.id} needs the time its decision is planned for"
            raise MissingFactError(msg)
        due = max(start, to_local(planned_at), key=instant)
    elif rule.unit is Unit.HOURS:
        due = _plus_hours(start, rule.amount)
    elif rule.unit is Unit.MONTHS_BEFORE_18TH_BIRTHDAY:
        if birth_date is None:
            msg = f"rule {rule.id} needs the child's birth date"
            raise MissingFactError(msg)
        day = add_months(birthday(birth_date, _ADULT), -rule.amount)
        due = end_of_day(max(day, start.date()))
    else:
        due = end_of_day(_shift(start.date(), rule.amount, rule.unit, policy))
    if rule.earlier_of is not None and earlier_end is not None:
        due = min(due, end_of_day(max(earlier_end, start.date())), key=instant)
    escalate = None
    if rule.escalation is not None:
        escalate = max(start, _before(due, rule.escalation, policy), key=instant)
    return Deadline(rule, start, due, escalate)


def _plus_hours(moment: dt.datetime, hours: int) -> dt.datetime:
    # Aware arithmetic within one zone is wall-clock arithmetic in Python; go through UTC.
    return (moment.astimezone(dt.UTC) + dt.timedelta(hours=hours)).astimezone(COPENHAGEN)


def _before(due: dt.datetime, span: Span, policy: CalendarPolicy) -> dt.datetime:
    if span.unit is Unit.HOURS:
        return _plus_hours(due, -span.amount)
    return end_of_day(_shift(due.date(), -span.amount, span.unit, policy))


def _shift(day: dt.date, amount: int, unit: Unit, policy: CalendarPolicy) -> dt.date:
    """Move ``day`` by ``amount`` (negative: back) of a whole-day unit."""
    match unit:
        case Unit.WORKING_DAYS:
            return add_working_days(day, amount, policy)
        case Unit.CALENDAR_DAYS:
            return day + dt.timedelta(days=amount)
        case Unit.WEEKS:
            return day + dt.timedelta(weeks=amount)
        case Unit.CALENDAR_MONTHS:
            return add_months(day, amount)
        case _:  # pragma: no cover - Rule and Span validation leave no other unit here
            msg = f"cannot count whole days in {unit}"
            raise ValueError(msg)
