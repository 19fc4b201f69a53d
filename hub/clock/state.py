"""One deadline's life as a pure state machine: SET → APPROACHING → MET | MISSED | WITHDRAWN.

``on_event``, ``on_ending`` and ``on_tick`` return the next state and the transitions to
emit. MET, MISSED and WITHDRAWN are final, so however often a tick or a redelivered event
arrives, one deadline emits exactly one of them, and APPROACHING at most once.

- An event of a fulfilling type meets the deadline if it happened at or before the due
  time, judged by the event's own time, not by when it was processed. One that happened
  later misses it (the miss is dated at the due time).
- For a BEFORE_EVENT rule, the ``before`` event arriving first misses the deadline (dated
  when it happened, or at the due time if that was earlier).
- An ending (the measure ended, the case closed) withdraws it: the duty's reason went
  away. Whether an ending applies, and in time, the caller judges (``hub.clock.endings``).
- A tick at ``now`` misses the deadline when ``now`` is after the due time, and marks it
  APPROACHING once ``now`` reaches the escalation time.

The engine must only tick with a ``now`` up to which it has read every event for the case
(a watermark): a MISSED, once emitted, is not taken back by a fulfilment that arrives late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from hub.clock.localtime import instant, to_local
from hub.clock.schedule import Deadline

__all__ = ["Status", "Tracker", "Transition"]


class Status(StrEnum):
    """Where one deadline stands."""

    SET = "set"
    APPROACHING = "approaching"
    MET = "met"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"  # ended without a miss: the measure ended, the case closed

    @property
    def final(self) -> bool:
        """MET, MISSED and WITHDRAWN never change again."""
        return self in {Status.MET, Status.MISSED, Status.WITHDRAWN}


@dataclass(frozen=True, slots=True)
class Transition:
    """A change to emit: the deadline (by rule) reached ``status`` at ``at``."""

    rule_id: str
    status: Status
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Tracker:
    """One deadline and where it stands."""

    deadline: Deadline
    status: Status = Status.SET

    def on_event(
        self, event_type: str, occurred_at: dt.datetime
    ) -> tuple[Tracker, tuple[Transition, ...]]:
        """React to an event of the same case; other types change nothing."""
        if self.status.final:
            return self, ()
        occurred = to_local(occurred_at)
        due = self.deadline.due_at
        if event_type in self.deadline.rule.fulfilled_by:
            if instant(occurred) <= instant(due):
                return self._to(Status.MET, occurred)
            return self._to(Status.MISSED, due)
        if event_type == self.deadline.rule.before:
            return self._to(Status.MISSED, min(occurred, due, key=instant))
        return self, ()

    def on_ending(self, ended_at: dt.datetime) -> tuple[Tracker, tuple[Transition, ...]]:
        """Withdraw the deadline: the reason for the duty went away at ``ended_at``."""
        if self.status.final:
            return self, ()
        return self._to(Status.WITHDRAWN, to_local(ended_at))

    def on_tick(self, now: dt.datetime) -> tuple[Tracker, tuple[Transition, ...]]:
        """React to the passing of time up to ``now``."""
        due = self.deadline.due_at
        if self.status.final:
            return self, ()
        moment = instant(now)
        if moment > instant(due):
            return self._to(Status.MISSED, due)
        escalate = self.deadline.escalate_at
        if self.status is Status.SET and escalate is not None and moment >= instant(escalate):
            return self._to(Status.APPROACHING, escalate)
        return self, ()

    def _to(self, status: Status, at: dt.datetime) -> tuple[Tracker, tuple[Transition, ...]]:
        return replace(self, status=status), (Transition(self.deadline.rule_id, status, at),)
