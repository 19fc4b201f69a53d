"""What the hub sends a case system, made for the conformance run: synthetic, deterministic.

==========================  ====================================================
event (topic)               when the run sends it, and what the hub's part is
==========================  ====================================================
``NotificationReceived``    at the start, one per case (the e-form intake)
(intake)
``PersonResolved``          once the vendor opened the case: the child and one
(person)                    custody-holding parent (triage's CPR lookup)
``DeadlineSetV2``           with it: the 24-hour acute assessment (BL §136) of the
(deadline)                  notification (the legal clock)
``LetterDelivered``         for each letter the vendor requests (Digital Post's
(letter)                    receipt)
==========================  ====================================================

Each is caused by the event it answers, in the vendor's case (its case id), with an id
derived from that event's (``follow_up``), as the hub's components make them. The children
and parents are synthetic (day + 60).
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from contracts.base import Contract
from contracts.deadlines import DeadlineSetV2
from contracts.envelope import Event, follow_up, new_event
from contracts.intake import NotificationReceived
from contracts.letters import LetterDelivered
from contracts.person import PersonResolved
from hub.cli.demo import synthetic_cpr

__all__ = [
    "SOURCE",
    "deadline_set",
    "letter_delivered",
    "notifications",
    "person_resolved",
]

SOURCE = "urn:casehub:conformance"


def _id(prefix: str) -> str:
    digits = uuid.uuid4().hex[:12]
    return f"{prefix}-{digits[:6]}x{digits[6:]}"  # never a CPR-shaped run of ten digits


def _child(n: int) -> tuple[dt.date, str]:
    birth = dt.date(2015, 1 + n % 12, 1 + n % 28)
    return birth, synthetic_cpr(birth, 100 + n)


def notifications(municipality: str, cases: int) -> list[Event[Contract]]:
    """One notification per case, about synthetic children; each a case of its own."""
    events: list[Event[Contract]] = []
    for n in range(cases):
        data = NotificationReceived.model_validate(
            {
                "notification_id": _id("conformance"),
                "received_at": datetime.now(UTC).isoformat(),
                "child_cpr": _child(n)[1],
                "notifier": {"kind": "professional", "relation": "school",
                             "organisation": "Conformance School"},
                "reasons": ["neglect"],
                "channel": "eform",
                "summary": "Synthetic conformance notification.",
            },
            strict=False,
        )  # fmt: skip
        events.append(new_event(data, source=SOURCE, municipality=municipality,
                                case_id=_id("conf")))  # fmt: skip
    return events


D = TypeVar("D", bound=Contract)


def _in_case(cause: Event[Contract], data: D, case_id: str) -> Event[D]:
    made = follow_up(cause, data, source=SOURCE)
    envelope = made.envelope.model_copy(update={"caseid": case_id})
    return made.model_copy(update={"envelope": envelope})


def person_resolved(notification: Event[Contract], case_id: str, n: int) -> Event[PersonResolved]:
    """The CPR answer about the ``n``-th notification's child, with a custody-holding mother."""
    birth, child = _child(n)
    mother = synthetic_cpr(dt.date(1988, 1 + n % 12, 1 + n % 28), 400 + n)
    data = PersonResolved.model_validate(
        {
            "request_id": notification.envelope.id,
            "cpr": child,
            "full_name": "Conformance Child",
            "birth_date": birth.isoformat(),
            "address_protected": False,
            "related": [{"cpr": mother, "relation": "mother", "has_custody": True}],
        },
        strict=False,
    )
    return _in_case(notification, data, case_id)


def deadline_set(notification: Event[Contract], case_id: str) -> Event[DeadlineSetV2]:
    """The legal clock's 24-hour assessment deadline of a notification."""
    now = datetime.now(UTC)
    data = DeadlineSetV2.model_validate(
        {
            "deadline_id": f"dl-{notification.envelope.id[:8]}",
            "rule_id": "notification-acute-assessment",
            "due_at": (now + timedelta(hours=24)).isoformat(),
            "escalate_at": (now + timedelta(hours=20)).isoformat(),
            "legal_basis": {"law": "BL", "paragraph": "136"},
            "trigger_event_id": notification.envelope.id,
        },
        strict=False,
    )
    return _in_case(notification, data, case_id)


def letter_delivered(request: Event[Contract]) -> Event[LetterDelivered]:
    """Digital Post's receipt for a letter the vendor requested."""
    letter_id = getattr(request.data, "letter_id", "unknown")
    data = LetterDelivered.model_validate(
        {
            "letter_id": letter_id,
            "delivered_at": datetime.now(UTC).isoformat(),
            "channel": "digital_post",
            "message_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, request.envelope.id)),
        },
        strict=False,
    )
    return follow_up(request, data, source=SOURCE)
