"""The audit: who did what for a person, written to the municipality's audit topic first.

Every CPR lookup, every replay of a quarantined record and every decryption for a person
writes one ``AuditRecorded`` to ``casehub.<kommunekode>.audit.v1`` (append-only, kept
forever: ``hub.runtime.provision.audit_config``) *before* the action, and waits for the
broker's acknowledgement: an audit write that fails fails the action (``TransientError``,
so the record is tried again), and no action is done without its audit record.

A record names the person only by reference (the triggering event's id, a quarantine
address, a case id), never by CPR number, name or address, and never carries a payload.

Its id is deterministic (``audit_id``): a retried lookup writes a second record with the
same id as the first, so a reader recognises the duplicate (``casehub audit show`` marks it).
"""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime

from contracts.base import Contract
from contracts.envelope import Event, follow_up_id, new_event
from contracts.guards import has_cpr_shape
from contracts.operations import AuditAction, AuditRecorded
from hub.runtime.publisher import confirm_now
from hub.runtime.seams import Publish

__all__ = [
    "REASON_MAX",
    "Auditor",
    "audit_event",
    "audit_id",
    "audited_principal",
    "component_principal",
    "operator_principal",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PRINCIPAL_MAX = 64


def _part(text: str) -> str:
    return _UNSAFE.sub("-", text).strip("-") or "unknown"


def component_principal(name: str, client_id: str, host: str | None = None) -> str:
    """A hub component on one instance: ``component:<name>:<client id>-<host>``."""
    instance = _part(f"{client_id}-{host or socket.gethostname()}")
    return f"component:{_part(name)}:{instance}"[:_PRINCIPAL_MAX]


def operator_principal(operator: str) -> str:
    """An operator at the command line: ``operator:<name>``.

    Raises:
        ValueError: the name is empty or not a plain login name.

    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,53}", operator):
        msg = "the operator must be a login name: letters, digits, '.', '_' or '-'"
        raise ValueError(msg)
    return f"operator:{operator}"


REASON_MAX = 2_000
"""The longest reason (``--why``) an operator's audit record takes."""


def audited_principal(operator: str, reason: str, *, act: str) -> str:
    """The operator's principal, once ``reason`` is one an audit record can hold.

    ``act`` names what needs it in the messages (``a replay``, ``a shred``).

    Raises:
        ValueError: no reason, a CPR number in it, too long, or not a login name.

    """
    if not reason.strip():
        msg = f"{act} needs a reason (--why): it goes into the audit record"
        raise ValueError(msg)
    if has_cpr_shape(reason):
        msg = "the reason must not hold a CPR number: refer to the case, the event or the request"
        raise ValueError(msg)
    if len(reason) > REASON_MAX:
        msg = f"the reason is longer than {REASON_MAX} characters"
        raise ValueError(msg)
    return operator_principal(operator)


def audit_id(trigger: str, action: AuditAction) -> str:
    """The audit record's id: the same for the same trigger and action (a retry's too)."""
    return follow_up_id(f"{trigger}/{action.value}", AuditRecorded.event_type)


def audit_event(  # noqa: PLR0913 - each is one field of the record or its envelope
    action: AuditAction,
    *,
    principal: str,
    municipality: str,
    case_id: str,
    subject_ref: str,
    reason: str,
    trigger: str,
    source: str,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Event[AuditRecorded]:
    """The audit record of ``action`` for the person ``subject_ref`` refers to.

    Its id is ``audit_id(trigger, action)``; its causation the triggering event's id.

    Raises:
        pydantic.ValidationError: a field holds a CPR number or is not allowed (the
            error never quotes it).

    """
    data = AuditRecorded(
        action=action,
        principal=principal,
        subject_ref=subject_ref,
        reason=reason,
        recorded_at=datetime.now(UTC),
    )
    return new_event(
        data,
        source=source,
        municipality=municipality,
        case_id=case_id,
        event_id=audit_id(trigger, action),
        correlation_id=correlation_id,
        causation_id=causation_id,
    )


class Auditor:
    """A component's audit port: ``await auditor.record(event, action)`` before the action."""

    def __init__(self, publish: Publish, *, principal: str, source: str) -> None:
        self._publish = publish
        self.principal = principal
        self._source = source

    async def record(self, cause: Event[Contract], action: AuditAction) -> None:
        """Write the audit record of ``action`` done because of ``cause``; wait for the broker.

        Raises:
            TransientError: the broker did not take it; do not act, try the record again.

        """
        envelope = cause.envelope
        event = audit_event(
            action,
            principal=self.principal,
            municipality=envelope.municipality,
            case_id=envelope.caseid,
            subject_ref=f"event:{envelope.id}",
            reason=f"event:{envelope.id} ({envelope.type})",
            trigger=envelope.id,
            source=self._source,
            correlation_id=envelope.correlationid,
            causation_id=envelope.id,
        )
        with confirm_now():  # acknowledged before the action, even inside a delivery
            await self._publish(event)
