"""The canonical case events: what travels on the bus, and what vendors code against."""

from contracts.aftercare import AftercareDecided, AftercareForm
from contracts.archive import ArchivePackageBuilt, ArchivePackageBuiltV2, ArchiveRequested
from contracts.base import Contract, Record
from contracts.binding import InvalidRecordError, KafkaRecord, from_kafka, to_kafka
from contracts.case import CaseClosed, CaseOpened, CaseWorkerAssigned
from contracts.catalogue import CATALOGUE, contract_for
from contracts.classification import Classification, classified
from contracts.cpr import Cpr
from contracts.deadlines import (
    DeadlineApproaching,
    DeadlineApproachingV2,
    DeadlineMet,
    DeadlineMetV2,
    DeadlineMissed,
    DeadlineMissedV2,
    DeadlineSet,
    DeadlineSetV2,
    DeadlineWithdrawn,
    DeadlineWithdrawnV2,
)
from contracts.decision import (
    CommitteeDecision,
    DecisionUpheld,
    MeasureDecided,
    PlanCreated,
    PlanRevised,
)
from contracts.documents import (
    DocumentArchived,
    DocumentFiled,
    DocumentFiledV2,
    DocumentReference,
    JournalNoteAdded,
    MediaType,
)
from contracts.envelope import Envelope, Event, follow_up, new_event
from contracts.finance import (
    CommitmentCreated,
    CostEstimateUpdated,
    CostEstimateUpdatedV2,
    PaymentScheduled,
    RatePer,
    RateUpdated,
)
from contracts.handover import (
    DeadlinesTakenOver,
    HandoverAccepted,
    HandoverAnswered,
    HandoverDelivered,
    HandoverReceived,
    HandoverRefusal,
    HandoverRefused,
    HandoverRejected,
    HandoverStarted,
)
from contracts.ics import IcsDimension, IcsRating, IcsSide, IcsTriangle
from contracts.intake import (
    InquiryReceived,
    NotificationAssessed,
    NotificationReceiptSent,
    NotificationReceived,
)
from contracts.investigation import (
    ChildHeard,
    InvestigationCompleted,
    InvestigationStarted,
    ProvisionalAssessmentRecorded,
)
from contracts.kle import Kle
from contracts.legal import Act, ActBasis, Law, LegalBasis
from contracts.letters import LetterDelivered, LetterFailed, LetterRequested, LetterRequestedV2
from contracts.measures import FollowUpCompleted, MeasureChanged, MeasureEnded, MeasureStarted
from contracts.money import Money
from contracts.operations import (
    AuditAction,
    AuditActionV2,
    AuditRecorded,
    AuditRecordedV2,
    MessageQuarantined,
    MessageReplayed,
)
from contracts.outcomes import (
    ConditionsAssessed,
    GoalAttainmentAssessed,
    OrsScored,
    SdqScored,
    SrsScored,
    WellbeingRated,
)
from contracts.person import PersonLookupRequested, PersonNotFound, PersonResolved
from contracts.proposal import MeasureProposed
from contracts.reporting import (
    AppealForwarded,
    AppealOutOfTime,
    StatisticsRejected,
    StatisticsReported,
    StatisticsReportedLate,
    TransferReported,
)

__all__ = [
    "CATALOGUE",
    "Act",
    "ActBasis",
    "AftercareDecided",
    "AftercareForm",
    "AppealForwarded",
    "AppealOutOfTime",
    "ArchivePackageBuilt",
    "ArchivePackageBuiltV2",
    "ArchiveRequested",
    "AuditAction",
    "AuditActionV2",
    "AuditRecorded",
    "AuditRecordedV2",
    "CaseClosed",
    "CaseOpened",
    "CaseWorkerAssigned",
    "ChildHeard",
    "Classification",
    "CommitmentCreated",
    "CommitteeDecision",
    "ConditionsAssessed",
    "Contract",
    "CostEstimateUpdated",
    "CostEstimateUpdatedV2",
    "Cpr",
    "DeadlineApproaching",
    "DeadlineApproachingV2",
    "DeadlineMet",
    "DeadlineMetV2",
    "DeadlineMissed",
    "DeadlineMissedV2",
    "DeadlineSet",
    "DeadlineSetV2",
    "DeadlineWithdrawn",
    "DeadlineWithdrawnV2",
    "DeadlinesTakenOver",
    "DecisionUpheld",
    "DocumentArchived",
    "DocumentFiled",
    "DocumentFiledV2",
    "DocumentReference",
    "Envelope",
    "Event",
    "FollowUpCompleted",
    "GoalAttainmentAssessed",
    "HandoverAccepted",
    "HandoverAnswered",
    "HandoverDelivered",
    "HandoverReceived",
    "HandoverRefusal",
    "HandoverRefused",
    "HandoverRejected",
    "HandoverStarted",
    "IcsDimension",
    "IcsRating",
    "IcsSide",
    "IcsTriangle",
    "InquiryReceived",
    "InvalidRecordError",
    "InvestigationCompleted",
    "InvestigationStarted",
    "JournalNoteAdded",
    "KafkaRecord",
    "Kle",
    "Law",
    "LegalBasis",
    "LetterDelivered",
    "LetterFailed",
    "LetterRequested",
    "LetterRequestedV2",
    "MeasureChanged",
    "MeasureDecided",
    "MeasureEnded",
    "MeasureProposed",
    "MeasureStarted",
    "MediaType",
    "MessageQuarantined",
    "MessageReplayed",
    "Money",
    "NotificationAssessed",
    "NotificationReceiptSent",
    "NotificationReceived",
    "OrsScored",
    "PaymentScheduled",
    "PersonLookupRequested",
    "PersonNotFound",
    "PersonResolved",
    "PlanCreated",
    "PlanRevised",
    "ProvisionalAssessmentRecorded",
    "RatePer",
    "RateUpdated",
    "Record",
    "SdqScored",
    "SrsScored",
    "StatisticsRejected",
    "StatisticsReported",
    "StatisticsReportedLate",
    "TransferReported",
    "WellbeingRated",
    "classified",
    "contract_for",
    "follow_up",
    "from_kafka",
    "new_event",
    "to_kafka",
]
