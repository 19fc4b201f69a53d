"""One deadline as the engine keeps it: who it belongs to, its times and every step taken.

A step is a status the deadline reached (``set``, ``approaching``, ``met``, ``missed``,
``withdrawn`` with its reason), when, what caused it and whether its event has been
published. The engine records a step
before it publishes the step's event and marks it published afterwards (an outbox in the
state topic): a restart in between publishes the same event again, with the same id.

Due and escalation times are stored, never recomputed: a changed rule or calendar does
not move a deadline already set.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, replace
from typing import Any

from hub.clock.rules import RULES_BY_ID
from hub.clock.schedule import Deadline
from hub.clock.state import Status, Tracker

__all__ = ["Step", "Tracked", "deadline_id", "transition_id"]

_NAMESPACE = uuid.UUID("0b6f3c1e-6a51-4d59-9f0e-2f7c5e8d4a10")


def deadline_id(rule_id: str, trigger_event_id: str) -> str:
    """The deadline's id: the same for one rule and one trigger event, however often seen."""
    return str(uuid.uuid5(_NAMESPACE, f"{rule_id}/{trigger_event_id}"))


def transition_id(deadline: str, status: Status) -> str:
    """The id of the event that reports ``deadline`` reaching ``status`` (one per status)."""
    return str(uuid.uuid5(_NAMESPACE, f"{deadline}/{status.value}"))


@dataclass(frozen=True, slots=True)
class Step:
    """A status reached at ``at``, caused by the event ``cause_id``."""

    status: Status
    at: dt.datetime
    cause_id: str
    emitted: bool = False
    reason: str | None = None  # WITHDRAWN: why (``model.Ending``)


@dataclass(frozen=True, slots=True)
class Tracked:
    """One deadline of one case, with its history."""

    deadline_id: str
    rule_id: str
    municipality: str
    case_id: str
    correlation_id: str
    trigger_event_id: str
    link: str | None
    starts_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime | None
    steps: tuple[Step, ...]
    records: tuple[tuple[str, str], ...] = ()  # trigger field → record id, for withdrawals

    def record(self, field: str) -> str | None:
        """The trigger's record in ``field`` (its measure_id), or None when it named none.

        A deadline stored before ``records`` existed has its rule's linked record only.
        """
        found = dict(self.records).get(field)
        if found is None and RULES_BY_ID[self.rule_id].record_field == field:
            return self.link
        return found

    @property
    def status(self) -> Status:
        """Where the deadline stands: its last step."""
        return self.steps[-1].status

    @property
    def pending(self) -> tuple[Step, ...]:
        """Steps whose events are not yet known to be published."""
        return tuple(step for step in self.steps if not step.emitted)

    def tracker(self) -> Tracker:
        """The pure state machine at this deadline's status."""
        deadline = Deadline(
            RULES_BY_ID[self.rule_id], self.starts_at, self.due_at, self.escalate_at
        )
        return Tracker(deadline, self.status)

    def with_step(self, step: Step) -> Tracked:
        """The deadline after one more step."""
        return replace(self, steps=(*self.steps, step))

    def published(self, status: Status) -> Tracked:
        """The deadline with the event of ``status`` marked published."""
        steps = tuple(replace(s, emitted=True) if s.status is status else s for s in self.steps)
        return replace(self, steps=steps)

    def to_json(self) -> bytes:
        """The state-topic value."""
        value: dict[str, Any] = {
            "record": "deadline",
            "version": 1,
            "deadline_id": self.deadline_id,
            "rule_id": self.rule_id,
            "municipality": self.municipality,
            "case_id": self.case_id,
            "correlation_id": self.correlation_id,
            "trigger_event_id": self.trigger_event_id,
            "link": self.link,
            "starts_at": self.starts_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "escalate_at": None if self.escalate_at is None else self.escalate_at.isoformat(),
            "steps": [_step_json(s) for s in self.steps],
        }
        if self.records:
            value["records"] = dict(self.records)
        return json.dumps(value, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Tracked:
        """Read a state-topic value written by ``to_json`` (already parsed).

        Raises:
            KeyError, ValueError: the value is not a deadline record of version 1.

        """
        escalate = value["escalate_at"]
        return cls(
            deadline_id=value["deadline_id"],
            rule_id=value["rule_id"],
            municipality=value["municipality"],
            case_id=value["case_id"],
            correlation_id=value["correlation_id"],
            trigger_event_id=value["trigger_event_id"],
            link=value["link"],
            starts_at=dt.datetime.fromisoformat(value["starts_at"]),
            due_at=dt.datetime.fromisoformat(value["due_at"]),
            escalate_at=None if escalate is None else dt.datetime.fromisoformat(escalate),
            steps=tuple(
                Step(
                    Status(s["status"]),
                    dt.datetime.fromisoformat(s["at"]),
                    s["cause_id"],
                    emitted=bool(s["emitted"]),
                    reason=s.get("reason"),
                )
                for s in value["steps"]
            ),
            records=tuple(sorted(dict(value.get("records") or {}).items())),
        )


def _step_json(step: Step) -> dict[str, Any]:
    value: dict[str, Any] = {
        "status": step.status.value,
        "at": step.at.isoformat(),
        "cause_id": step.cause_id,
        "emitted": step.emitted,
    }
    if step.reason is not None:
        value["reason"] = step.reason
    return value
