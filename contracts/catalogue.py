"""Every contract the hub knows, by type and version: the registry's single source."""

from __future__ import annotations

from types import MappingProxyType

from contracts import (
    aftercare,
    archive,
    case,
    deadlines,
    decision,
    documents,
    finance,
    handover,
    intake,
    investigation,
    letters,
    measures,
    operations,
    outcomes,
    person,
    proposal,
    reporting,
)
from contracts.base import Contract

__all__ = ["CATALOGUE", "contract_for"]

_ALL: tuple[type[Contract], ...] = (
    intake.NotificationReceived,
    intake.NotificationAssessed,
    intake.NotificationReceiptSent,
    intake.InquiryReceived,
    case.CaseOpened,
    case.CaseWorkerAssigned,
    case.CaseClosed,
    person.PersonLookupRequested,
    person.PersonResolved,
    person.PersonNotFound,
    investigation.InvestigationStarted,
    investigation.ChildHeard,
    investigation.ProvisionalAssessmentRecorded,
    investigation.InvestigationCompleted,
    proposal.MeasureProposed,
    decision.MeasureDecided,
    decision.PlanCreated,
    decision.PlanRevised,
    decision.CommitteeDecision,
    decision.DecisionUpheld,
    aftercare.AftercareDecided,
    measures.MeasureStarted,
    measures.MeasureChanged,
    measures.FollowUpCompleted,
    measures.MeasureEnded,
    outcomes.ConditionsAssessed,
    outcomes.GoalAttainmentAssessed,
    outcomes.WellbeingRated,
    outcomes.SdqScored,
    outcomes.OrsScored,
    outcomes.SrsScored,
    documents.DocumentFiled,
    documents.DocumentFiledV2,
    documents.JournalNoteAdded,
    documents.DocumentArchived,
    letters.LetterRequested,
    letters.LetterRequestedV2,
    letters.LetterDelivered,
    letters.LetterFailed,
    finance.CommitmentCreated,
    finance.PaymentScheduled,
    finance.CostEstimateUpdated,
    finance.CostEstimateUpdatedV2,
    finance.RateUpdated,
    reporting.StatisticsReported,
    reporting.StatisticsRejected,
    reporting.AppealForwarded,
    reporting.StatisticsReportedLate,
    reporting.AppealOutOfTime,
    reporting.TransferReported,
    archive.ArchiveRequested,
    archive.ArchivePackageBuilt,
    archive.ArchivePackageBuiltV2,
    handover.HandoverStarted,
    handover.HandoverReceived,
    handover.HandoverAccepted,
    handover.HandoverRejected,
    handover.HandoverDelivered,
    handover.HandoverRefused,
    handover.HandoverAnswered,
    handover.DeadlinesTakenOver,
    deadlines.DeadlineSet,
    deadlines.DeadlineApproaching,
    deadlines.DeadlineMissed,
    deadlines.DeadlineMet,
    deadlines.DeadlineSetV2,
    deadlines.DeadlineApproachingV2,
    deadlines.DeadlineMissedV2,
    deadlines.DeadlineMetV2,
    deadlines.DeadlineWithdrawn,
    deadlines.DeadlineWithdrawnV2,
    operations.MessageQuarantined,
    operations.MessageReplayed,
    operations.AuditRecorded,
    operations.AuditRecordedV2,
)

CATALOGUE = MappingProxyType({(c.event_type, c.event_version): c for c in _ALL})
"""(type, version) → contract class, in the order above (business flow, then operations)."""


def contract_for(event_type: str, version: int) -> type[Contract] | None:
    """The contract for one type at one version, or None when the hub does not know it."""
    return CATALOGUE.get((event_type, version))
