"""An e-form system's notification submission, and the canonical event it becomes.

The submission is flat JSON: the fields of ``NotificationReceived`` (``received_at``
optional, defaulting to arrival) plus ``submission_id`` (the form system's own id),
``municipality`` and, when the form belongs to a known case, ``case_id``. Resubmitting
the same ``submission_id`` yields the same event id and case id, so a form system that
retries after a timeout does not create a second notification.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from pydantic import Field, ValidationError

from contracts.base import Record
from contracts.envelope import Event, new_event
from contracts.intake import NotificationReceived
from contracts.problems import problems_of
from contracts.types import CaseId, Kommunekode
from hub.runtime.errors import ContractError, Problem

__all__ = ["ReceivedWindow", "SubmissionMeta", "notification_event", "submission_event_id"]

_NAMESPACE: Final = uuid.UUID("3c9c1f43-0f0e-4f0a-8c54-2f6a9e7b5d10")
_META_FIELDS: Final = ("submission_id", "municipality", "case_id")
M = TypeVar("M", bound=Record)


@dataclass(frozen=True, slots=True)
class ReceivedWindow:
    """How far from now a submission's ``received_at`` may lie (the legal clocks start there)."""

    max_age: timedelta
    max_ahead: timedelta

    def problem(self, received_at: datetime, now: datetime) -> Problem | None:
        """The problem with ``received_at``, if it lies outside the window."""
        if received_at < now - self.max_age:
            return Problem("received_at", "too far in the past for a new notification")
        if received_at > now + self.max_ahead:
            return Problem("received_at", "in the future")
        return None


class SubmissionMeta(Record):
    """Where a submission belongs and how to recognise it again."""

    submission_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$",
        description="The form system's id of this submission; resubmissions repeat it.",
    )  # fmt: skip
    municipality: Kommunekode = Field(description="The receiving municipality's kommunekode.")
    case_id: CaseId | None = Field(
        default=None, description="An existing case this notification belongs to."
    )


def notification_event(
    body: Any,  # noqa: ANN401 - parsed JSON
    *,
    source: str,
    window: ReceivedWindow | None = None,
    now: datetime | None = None,
) -> Event[NotificationReceived]:
    """Validate a parsed submission and wrap it as ``NotificationReceived``.

    Raises ``ContractError`` listing every problem by field, never quoting a key or a value.
    """
    if not isinstance(body, dict):
        raise ContractError([Problem("body", "expected a JSON object")])
    now = now or datetime.now(UTC)
    meta_part = {key: body[key] for key in _META_FIELDS if key in body}
    data_part = {key: value for key, value in body.items() if key not in _META_FIELDS}
    problems: list[Problem] = []
    meta = _validated(SubmissionMeta, meta_part, problems)
    # The notification id is the submission id; a placeholder keeps a bad submission_id
    # from being reported twice.
    data_part["notification_id"] = meta.submission_id if meta is not None else "unknown"
    data_part.setdefault("received_at", now.isoformat())
    data = _validated(NotificationReceived, data_part, problems)
    if data is not None and window is not None:
        late = window.problem(data.received_at, now)
        problems += [late] if late is not None else []
    if problems or meta is None or data is None:
        raise ContractError(problems)
    key = f"{meta.municipality}/{meta.submission_id}"
    return new_event(
        data,
        source=source,
        municipality=meta.municipality,
        case_id=meta.case_id or f"N-{uuid.uuid5(_NAMESPACE, 'case/' + key)}",
        event_id=submission_event_id(meta.municipality, meta.submission_id),
        time=data.received_at,
    )


def _validated(model: type[M], part: dict[str, Any], problems: list[Problem]) -> M | None:
    try:
        return model.model_validate_json(json.dumps(part), strict=True)
    except ValidationError as exc:
        problems += [Problem(where, what) for where, what in problems_of(exc, model)]
        return None


def submission_event_id(municipality: str, submission_id: str) -> str:
    """The event id a submission gets: a form system can know it before it posts."""
    return str(uuid.uuid5(_NAMESPACE, f"event/{municipality}/{submission_id}"))
