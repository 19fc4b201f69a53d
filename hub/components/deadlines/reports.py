"""The deadline facts the engine publishes, built from a tracked deadline and one of its steps.

Everything in an event is derived from the stored step (its id from the deadline id and
the status, its time from the step), so publishing a step twice publishes the same event.
The events are version 2 of the deadline contracts, whose basis names any act or order, and
version 1 of ``DeadlineWithdrawn`` (which has that basis from the start), version 2 for a
reason version 1 does not know (``handed_over``).
"""

from __future__ import annotations

from typing import Any

from contracts.base import Contract
from contracts.deadlines import (
    DeadlineApproachingV2,
    DeadlineMetV2,
    DeadlineMissedV2,
    DeadlineSetV2,
    DeadlineWithdrawn,
    DeadlineWithdrawnV2,
    WithdrawalReason,
    WithdrawalReasonV2,
)
from contracts.envelope import Event, new_event
from hub.clock.rules import RULES_BY_ID
from hub.clock.state import Status
from hub.clock.tracked import Step, Tracked, transition_id
from hub.components.deadlines.basis import contract_basis

__all__ = ["report_for"]


def report_for(tracked: Tracked, step: Step, *, source: str) -> Event[Contract]:
    """The event reporting ``step``."""
    rule = RULES_BY_ID[tracked.rule_id]
    common: dict[str, Any] = {
        "deadline_id": tracked.deadline_id,
        "rule_id": rule.contract_id,
        "due_at": tracked.due_at,
        # A rule without escalation (the appeal period) escalates when it is due.
        "escalate_at": tracked.escalate_at or tracked.due_at,
        "legal_basis": contract_basis(rule),
        "trigger_event_id": tracked.trigger_event_id,
    }
    data: Contract
    match step.status:
        case Status.SET:
            data = DeadlineSetV2.model_validate(common)
        case Status.APPROACHING:
            data = DeadlineApproachingV2.model_validate(common)
        case Status.MISSED:
            data = DeadlineMissedV2.model_validate(common)
        case Status.MET:
            met = {"met_at": step.at, "met_by_event_id": step.cause_id}
            data = DeadlineMetV2.model_validate(common | met)
        case Status.WITHDRAWN:
            reason = _reason(step)
            withdrawn = {"withdrawn_at": step.at, "withdrawn_by_event_id": step.cause_id}
            if reason.value in {old.value for old in WithdrawalReason}:
                # Version 1 for the reasons it knows, so its consumers read them still.
                old_reason = WithdrawalReason(reason.value)
                data = DeadlineWithdrawn.model_validate(common | withdrawn | {"reason": old_reason})
            else:
                data = DeadlineWithdrawnV2.model_validate(common | withdrawn | {"reason": reason})
    return new_event(
        data,
        source=source,
        municipality=tracked.municipality,
        case_id=tracked.case_id,
        event_id=transition_id(tracked.deadline_id, step.status),
        correlation_id=tracked.correlation_id,
        causation_id=step.cause_id,
        subject=tracked.deadline_id,
        time=step.at,
    )


def _reason(step: Step) -> WithdrawalReasonV2:
    if step.reason is None:  # pragma: no cover - the engine records one with every withdrawal
        msg = "a withdrawn deadline without its reason"
        raise ValueError(msg)
    return WithdrawalReasonV2(step.reason)
