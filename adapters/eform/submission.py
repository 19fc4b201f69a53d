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
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

from pydantic import Field, ValidationError

from contracts.base import Record
from contracts.envelope import Event, new_event
from contracts.intake import NotificationReceived
from contracts.types import CaseId, Kommunekode
from hub.runtime.errors import ContractError, Problem

__all__ = ["SubmissionMeta", "notification_event", "submission_event_id"]

_NAMESPACE: Final = uuid.UUID("3c9c1f43-0f0e-4f0a-8c54-2f6a9e7b5d10")
_META_FIELDS: Final = ("submission_id", "municipality", "case_id")
M = TypeVar("M", bound=Record)


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


def notification_event(body: Any, *, source: str) -> Event[NotificationReceived]:  # noqa: ANN401 - parsed JSON
    """Validate a parsed submission and wrap it as ``NotificationReceived``.

    Raises ``ContractError`` listing every problem by field, never quoting a value.
    """
    if not isinstance(body, dict):
        raise ContractError([Problem("", "expected a JSON object")])
    meta_part = {key: body[key] for key in _META_FIELDS if key in body}
    data_part = {key: value for key, value in body.items() if key not in _META_FIELDS}
    problems: list[Problem] = []
    meta = _validated(SubmissionMeta, meta_part, problems)
    # The notification id is the submission id; a placeholder keeps a bad submission_id
    # from being reported twice.
    data_part["notification_id"] = meta.submission_id if meta is not None else "unknown"
    data_part.setdefault("received_at", datetime.now(UTC).isoformat())
    data = _validated(NotificationReceived, data_part, problems)
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
        for error in exc.errors(include_input=False, include_url=False, include_context=False):
            location = ".".join(str(p) for p in error["loc"])
            problems.append(Problem(location, error["msg"]))
        return None


def submission_event_id(municipality: str, submission_id: str) -> str:
    """The event id a submission gets: a form system can know it before it posts."""
    return str(uuid.uuid5(_NAMESPACE, f"event/{municipality}/{submission_id}"))
