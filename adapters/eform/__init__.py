"""The e-form side: an HTTP intake for notifications about a child."""

from adapters.eform.component import COMPONENT, EformSettings
from adapters.eform.intake import build_intake
from adapters.eform.submission import (
    ReceivedWindow,
    SubmissionMeta,
    notification_event,
    submission_event_id,
)

__all__ = [
    "COMPONENT",
    "EformSettings",
    "ReceivedWindow",
    "SubmissionMeta",
    "build_intake",
    "notification_event",
    "submission_event_id",
]
