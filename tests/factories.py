"""Valid canonical events and submissions for tests, built from synthetic people."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.envelope import Event, new_event
from contracts.intake import NotificationReceived
from tests.people import CHILD

__all__ = ["notification", "notification_event", "short_id", "submission"]


def short_id(prefix: str) -> str:
    """A random id that cannot hold a CPR-shaped run (ten digits): ids never do."""
    digits = uuid.uuid4().hex[:12]
    return f"{prefix}-{digits[:6]}x{digits[6:]}"


def notification(**changes: Any) -> NotificationReceived:
    fields: dict[str, Any] = {
        "notification_id": short_id("n"),
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
        case_id=short_id("C"),
    )


def submission(municipality: str = "101", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "submission_id": short_id("s"),
        "municipality": municipality,
        "child_cpr": CHILD,
        "notifier": {"kind": "professional", "relation": "school", "organisation": "Test School"},
        "reasons": ["school_absence"],
        "channel": "eform",
        "summary": "Synthetic test notification.",
    }
    body.update(changes)
    return body
