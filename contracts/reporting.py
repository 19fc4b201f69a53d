"""Reporting: statistics to Danmarks Statistik and appeals forwarded to Ankestyrelsen.

A placement decision or placement event is reported on form 1-3 within 4 weeks, whether
or not it was carried out, and an earlier report is never overwritten: a correction is a
new report. DST changes the format each 1 January and 1 July, so a report names its format.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum, StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import StringConstraints, model_validator

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.legal import LegalBasis
from contracts.problems import cross_field
from contracts.types import RecordId

__all__ = [
    "AppealForwarded",
    "AppealOutOfTime",
    "ErrorCode",
    "PlacementEvent",
    "PlacementForm",
    "ReportKind",
    "StatisticsRejected",
    "StatisticsReported",
    "StatisticsReportedLate",
    "TransferReported",
]


class ReportKind(StrEnum):
    """Which DST record the report is."""

    NOTIFICATION = "notification"  # reported continuously
    PLACEMENT = "placement"  # forms 1-3 within 4 weeks
    SUPPORTING_MEASURE = "supporting_measure"  # yearly


class PlacementForm(IntEnum):
    """The DST placement form."""

    FORM_1 = 1
    FORM_2 = 2
    FORM_3 = 3


class PlacementEvent(IntEnum):
    """DST's event code on a placement form."""

    PLACEMENT_STARTS = 0
    NEW_PLACEMENT_PLACE = 1
    WITHOUT_TO_WITH_CONSENT = 2
    FOLLOW_UP = 3
    PRESENTED_TO_COMMITTEE = 4
    PLACEMENT_ENDS = 5
    AFTERCARE_DECISION = 6


class StatisticsReported(Contract):
    """A record has been reported to Danmarks Statistik (databekendtgørelsen).

    A placement report carries its form (1-3) and event code (0-6); a notification report
    carries the legal basis the notification was made under (BL §133/§135, SEL §153/§154).
    """

    event_type: ClassVar[str] = "dk.casehub.reporting.statistics-reported"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "reporting"

    report_id: RecordId = classified("The report's id; never reused.", C.INTERNAL)
    kind: ReportKind = classified("Which DST record.", C.INTERNAL)
    subject_id: RecordId = classified("The notification, decision or measure reported.", C.INTERNAL)
    reported_at: Timestamp = classified("When DST received the report.", C.INTERNAL)
    format_version: str = classified(
        "DST's format in force, by its start (YYYY-01 or YYYY-07).",
        C.INTERNAL,
        pattern=r"^\d{4}-(01|07)$",
    )
    form: PlacementForm | None = classified(
        "The placement form; placement reports only.", C.INTERNAL, default=None
    )
    event_code: PlacementEvent | None = classified(
        "The placement event code; placement reports only.", C.SENSITIVE, default=None
    )
    event_date: dt.date = classified("When the reported event happened.", C.INTERNAL)
    legal_basis: LegalBasis = classified("The paragraph in the reported numbering.", C.SENSITIVE)
    corrects: RecordId | None = classified(
        "The earlier report this one corrects; it stays as it was.", C.INTERNAL, default=None
    )

    @model_validator(mode="after")
    def _placement_has_form_and_code(self) -> Self:
        placement = self.kind is ReportKind.PLACEMENT
        if placement != (self.form is not None) or placement != (self.event_code is not None):
            msg = "form and event_code are given for placement reports, and only for them"
            raise cross_field(msg, "kind", "form", "event_code")
        return self


class TransferReported(Contract):
    """The receipt of a case's responsibility on a move has been reported to Danmarks Statistik.

    Reported by the municipality that took the case over (BL §132, SEL §152), within 4
    weeks of accepting it. ``StatisticsReported`` v1 has no kind for it, so it is a fact of
    its own; what DST calls the record is not public (docs/statistics-format.md).
    """

    event_type: ClassVar[str] = "dk.casehub.reporting.transfer-reported"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "reporting"

    report_id: RecordId = classified("The report's id; never reused.", C.INTERNAL)
    handover_id: RecordId = classified("The handover reported.", C.INTERNAL)
    reported_at: Timestamp = classified("When DST received the report.", C.INTERNAL)
    format_version: str = classified(
        "DST's format in force, by its start (YYYY-01 or YYYY-07).",
        C.INTERNAL,
        pattern=r"^\d{4}-(01|07)$",
    )
    event_date: dt.date = classified("When responsibility passed.", C.INTERNAL)
    legal_basis: LegalBasis = classified("BL §132, or SEL §152 before 2024.", C.INTERNAL)
    corrects: RecordId | None = classified(
        "The earlier report this one corrects; it stays as it was.", C.INTERNAL, default=None
    )


ErrorCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,32}$")]
"""One of Danmarks Statistik's error codes."""


class StatisticsRejected(Contract):
    """Danmarks Statistik rejected a report; it must be corrected with a new report."""

    event_type: ClassVar[str] = "dk.casehub.reporting.statistics-rejected"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "reporting"

    report_id: RecordId = classified("The rejected report.", C.INTERNAL)
    rejected_at: Timestamp = classified("When it was rejected.", C.INTERNAL)
    codes: tuple[ErrorCode, ...] = classified(
        "DST's error codes.", C.INTERNAL, min_length=1, max_length=50
    )
    explanation: str | None = classified(
        "DST's explanation, if any; may describe the record.",
        C.SENSITIVE,
        default=None,
        max_length=5_000,
    )


class AppealForwarded(Contract):
    """A party's appeal has been forwarded to Ankestyrelsen after the municipality's review.

    Parties may appeal within 4 weeks of the decision reaching them (Retssikkerhedsloven §67).
    """

    event_type: ClassVar[str] = "dk.casehub.reporting.appeal-forwarded"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "reporting"

    appeal_id: RecordId = classified("The appeal's id.", C.INTERNAL)
    decision_id: RecordId = classified("The decision appealed.", C.INTERNAL)
    received_on: dt.date = classified("When the municipality received the appeal.", C.INTERNAL)
    forwarded_at: Timestamp = classified("When it was forwarded.", C.INTERNAL)
    upheld_after_review: bool = classified(
        "The municipality reviewed the decision and upheld it.", C.INTERNAL
    )
    summary: str = classified(
        "The appeal's grounds in brief.", C.SENSITIVE, min_length=1, max_length=20_000
    )


class StatisticsReportedLate(Contract):
    """A placement report reached Danmarks Statistik after its 4-week deadline.

    Published beside ``StatisticsReported`` (which v1 cannot say it); the report itself
    carries the same due time and late flag.
    """

    event_type: ClassVar[str] = "dk.casehub.reporting.statistics-reported-late"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "reporting"

    report_id: RecordId = classified("The late report.", C.INTERNAL)
    rule_id: str = classified(
        "The deadline rule that was missed (hub.deadlines).",
        C.INTERNAL,
        pattern=r"^[a-z0-9.-]{1,64}$",
    )
    due_at: Timestamp = classified("When the report was due.", C.INTERNAL)
    reported_at: Timestamp = classified("When the report was made.", C.INTERNAL)


class AppealOutOfTime(Contract):
    """An appeal forwarded to Ankestyrelsen arrived after the 4-week appeal period.

    It is forwarded all the same: Ankestyrelsen decides whether to hear it anyway
    (Retssikkerhedsloven §67).
    """

    event_type: ClassVar[str] = "dk.casehub.reporting.appeal-out-of-time"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "reporting"

    appeal_id: RecordId = classified("The appeal.", C.INTERNAL)
    decision_id: RecordId = classified("The decision appealed.", C.INTERNAL)
    period_ended_at: Timestamp = classified("When the appeal period ended.", C.INTERNAL)
    received_at: Timestamp = classified("When the appeal was received.", C.INTERNAL)
