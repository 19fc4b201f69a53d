"""A handover's deadlines: the receiver's clock takes them, the sender's withdraws them (BL §132).

- ``DeadlinesTakenOver`` (the receiving hub, on its case system's ``HandoverAccepted``)
  sets each deadline the package named again, in the receiver's case: the same rule, due
  and escalation times; its clock starts at the acceptance, so a fulfilment in the new
  municipality counts from then on. Its id derives from the takeover event and the sender's
  deadline id, so a redelivery sets nothing twice.
- ``HandoverAnswered`` accepted (at the sending hub) withdraws the case's open deadlines,
  reason ``handed_over``, dated at the acceptance: the duty passed to the receiver. A
  rejection leaves them with the sender.

The sender's deadlines are not named by the answer: every open deadline of the case whose
clock started by the acceptance is withdrawn, as a closed case withdraws its case work.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any, Final

import structlog

from contracts.envelope import Envelope
from contracts.handover import DeadlinesTakenOver, HandoverAnswered, TakenDeadline
from hub.clock import facts
from hub.clock.endings import in_time
from hub.clock.model import Rule
from hub.clock.rules import RULES
from hub.clock.tracked import Step, Tracked, deadline_id

__all__ = ["ANSWERED", "HANDED_OVER", "TAKEN_OVER", "handed_over", "taken_over"]

ANSWERED: Final = HandoverAnswered.event_type
TAKEN_OVER: Final = DeadlinesTakenOver.event_type
HANDED_OVER: Final = "handed_over"
"""The withdrawal's reason (``WithdrawalReasonV2.HANDED_OVER``)."""

_BY_CONTRACT_ID = MappingProxyType({rule.contract_id: rule for rule in RULES})

log = structlog.get_logger(__name__)


def handed_over(tracked: Tracked, cause_id: str, data: dict[str, Any]) -> tuple[Step, ...]:
    """The withdrawal an accepted ``HandoverAnswered`` (``data``) makes of ``tracked``.

    Empty for a rejection, a final deadline, or one whose clock started after the
    acceptance or was due before it (missed already).
    """
    if tracked.status.final or data.get("accepted") is not True:
        return ()
    accepted = facts.moment(data, "answered_at")
    if not in_time(accepted, tracked.starts_at, tracked.due_at):
        return ()
    _, transitions = tracked.tracker().on_ending(accepted)
    return tuple(Step(t.status, t.at, cause_id, reason=HANDED_OVER) for t in transitions)


def taken_over(envelope: Envelope, data: dict[str, Any]) -> list[Tracked]:
    """The deadlines a ``DeadlinesTakenOver`` (``data``) sets in the receiver's case, no step yet.

    A deadline of a rule this hub does not know (another vendor's clock) cannot be timed:
    it is logged by id and left out, the rest are taken.
    """
    taken = DeadlinesTakenOver.model_validate(data, strict=False)  # the JSON form of it
    found: list[Tracked] = []
    for deadline in taken.deadlines:
        rule = _BY_CONTRACT_ID.get(deadline.rule_id)
        if rule is None:
            log.warning(
                "deadline_takeover_unknown_rule",
                handover_id=taken.handover_id,
                deadline_id=deadline.deadline_id,
                rule_id=deadline.rule_id,
            )
            continue
        found.append(_tracked(envelope, taken.accepted_at, rule, deadline))
    return found


def _tracked(
    envelope: Envelope, accepted_at: dt.datetime, rule: Rule, deadline: TakenDeadline
) -> Tracked:
    # A rule without escalation travels with escalate_at == due_at (``report_for``).
    escalate = None if rule.escalation is None else deadline.escalate_at
    return Tracked(
        deadline_id=deadline_id(rule.id, f"{envelope.id}/{deadline.deadline_id}"),
        rule_id=rule.id,
        municipality=envelope.municipality,
        case_id=envelope.caseid,
        correlation_id=envelope.correlationid,
        trigger_event_id=envelope.id,
        link=None,  # the sender's record ids are not the receiver's: matched by case
        starts_at=accepted_at,
        due_at=deadline.due_at,
        escalate_at=escalate,
        steps=(),
    )
