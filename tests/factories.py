"""Valid canonical events and submissions for tests, built from synthetic people."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.envelope import Event, new_event
from contracts.intake import NotificationReceived
from tests.people import CHILD

__all__ = ["notification", "notification_event", "submission"]


def notification(**changes: Any) -> NotificationReceived:
    fields: dict[str, Any] = {
        "notification_id": f"n-{uuid.uuid4().hex[:12]}",
        "received_at": datetime(2026, 11, 2, 9, 30, tzinfo=UTC).isoformat(),
        "child_cpr": CHILD,
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Test School"},
        "reasons": ["neglect"],
        "channel": "eform",
        "summary": "Synthetic test notification.",
    }
    fields.update(changes)
    return NotificationReceived.model_validate(fields, strict=False)


def notification_event(municipality: str = "101", **changes: Any) -> Event[NotificationReceived]:
    return new_event(
        notification(**changes),
        source="urn:casehub:test",
        municipality=municipality,
        case_id=f"C-{uuid.uuid4().hex[:12]}",
    )


def submission(municipality: str = "101", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "submission_id": f"s-{uuid.uuid4().hex[:12]}",
        "municipality": municipality,
        "child_cpr": CHILD,
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Test School"},
        "reasons": ["school_absence"],
        "channel": "eform",
        "summary": "Synthetic test notification.",
    }
    body.update(changes)
    return body
