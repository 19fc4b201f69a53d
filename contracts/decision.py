"""Decision: measures decided, the child's or youth plan, and the committee's decisions.

Every decision names its legal basis with its law, since cases begun under Serviceloven
continue under it; statistics and appeals need both numberings.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import StringConstraints, model_validator

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.legal import LegalBasis
from contracts.money import Money
from contracts.problems import cross_field
from contracts.types import RecordId

__all__ = [
    "Appellant",
    "CommitteeDecision",
    "CommitteeOutcome",
    "DecisionUpheld",
    "Goal",
    "MeasureDecided",
    "MeasureKind",
    "Period",
    "PlanCreated",
    "PlanKind",
    "PlanRevised",
    "Provider",
]


Goal = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
"""One goal of a plan, in words."""


class MeasureKind(StrEnum):
    """The measure: BL §32 stk. 1 nr. 1-8, or a placement (§46 with consent, §47 without)."""

    CONSULTANCY = "consultancy"  # nr. 1: consultative support
    PRACTICAL_HELP = "practical_help"  # nr. 2: practical help in the home
    FAMILY_TREATMENT = "family_treatment"  # nr. 3
    TREATMENT_OF_CHILD = "treatment_of_child"  # nr. 4
    RESPITE_CARE = "respite_care"  # nr. 5: aflastning
    PERSONAL_ADVISER = "personal_adviser"  # nr. 6: personlig rådgiver
    CONTACT_PERSON = "contact_person"  # nr. 7: fast kontaktperson
    OTHER_SUPPORT = "other_support"  # nr. 8
    PLACEMENT_WITH_CONSENT = "placement_with_consent"  # §46 (SEL §52 stk. 3 nr. 7)
    PLACEMENT_WITHOUT_CONSENT = "placement_without_consent"  # §47 (SEL §58)
    PLACEMENT_OF_YOUNG_PERSON = "placement_of_young_person"  # §49


class Provider(Record):
    """Who delivers the measure: an institution, a foster family's agency, a contractor."""

    provider_id: RecordId = classified("The provider's id (e.g. Tilbudsportalen).", C.INTERNAL)
    name: str = classified(
        "The provider's name; never a foster family's.", C.INTERNAL, min_length=1, max_length=200
    )


class Period(Record):
    """From a date, until a date or open-ended."""

    start: dt.date = classified("First day.", C.INTERNAL)
    end: dt.date | None = classified("Last day; absent when open-ended.", C.INTERNAL, default=None)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end is not None and self.end < self.start:
            msg = "a period cannot end before it starts"
            raise cross_field(msg, "start", "end")
        return self


class MeasureDecided(Contract):
    """A measure has been decided: BL §32 stk. 1 nr. 1-8 or a placement (§46, §47, §49).

    ``legal_basis`` is in the numbering of the law the case runs under (Barnets Lov, or
    Serviceloven §52 stk. 3 for older cases), and ``sel_basis`` gives the Serviceloven
    equivalent when the basis is in Barnets Lov and statistics need both. The parties'
    4-week appeal clock starts when the letter carrying the decision is delivered.
    """

    event_type: ClassVar[str] = "dk.casehub.decision.measure-decided"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    decision_id: RecordId = classified("The decision's id.", C.INTERNAL)
    measure_id: RecordId = classified("The measure decided; its later events name it.", C.INTERNAL)
    decided_at: Timestamp = classified("When the decision was made.", C.INTERNAL)
    kind: MeasureKind = classified("The measure.", C.SENSITIVE)
    legal_basis: LegalBasis = classified("The paragraph the decision is made under.", C.SENSITIVE)
    sel_basis: LegalBasis | None = classified(
        "The Serviceloven equivalent, for statistics.", C.SENSITIVE, default=None
    )
    provider: Provider | None = classified(
        "Who delivers the measure, when known.", C.INTERNAL, default=None
    )
    period: Period = classified("When the measure runs.", C.INTERNAL)
    expected_cost: Money | None = classified(
        "Expected total cost in DKK over the period.", C.INTERNAL, default=None
    )
    consent: bool = classified(
        "The custody holders and the young person (15+) consented.", C.SENSITIVE
    )
    reasoning: str = classified(
        "The decision's reasoning.", C.SENSITIVE, min_length=1, max_length=50_000
    )


class PlanKind(StrEnum):
    """The plan: the child's plan (BL §91) or, from 16, the youth plan (BL §108)."""

    CHILD_PLAN = "child_plan"  # barnets plan, BL §91 (SEL §140)
    YOUTH_PLAN = "youth_plan"  # ungeplan, BL §108


class PlanCreated(Contract):
    """A child's plan (BL §91) or youth plan (BL §108) has been made.

    Due 3 months after a supporting-measure or placement decision; before the decision for
    a placement without consent.
    """

    event_type: ClassVar[str] = "dk.casehub.decision.plan-created"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    plan_id: RecordId = classified("The plan's id.", C.INTERNAL)
    kind: PlanKind = classified("Child's plan or youth plan.", C.INTERNAL)
    created_at: Timestamp = classified("When the plan was made.", C.INTERNAL)
    legal_basis: LegalBasis = classified("BL §91, BL §108 or SEL §140.", C.INTERNAL)
    goals: tuple[Goal, ...] = classified(
        "The plan's goals in words.", C.SENSITIVE, min_length=1, max_length=30
    )
    measure_ids: tuple[RecordId, ...] = classified(
        "The measures the plan covers.", C.INTERNAL, default=(), max_length=50
    )


class PlanRevised(Contract):
    """A plan has been revised, typically after follow-up (BL §95)."""

    event_type: ClassVar[str] = "dk.casehub.decision.plan-revised"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    plan_id: RecordId = classified("The plan revised.", C.INTERNAL)
    kind: PlanKind = classified("Child's plan or youth plan.", C.INTERNAL)
    revised_at: Timestamp = classified("When it was revised.", C.INTERNAL)
    goals: tuple[Goal, ...] = classified(
        "The plan's goals after the revision.", C.SENSITIVE, min_length=1, max_length=30
    )
    reason: str = classified("Why it was revised.", C.SENSITIVE, min_length=1, max_length=20_000)


class CommitteeOutcome(StrEnum):
    """What the children and young people's committee (børn og unge-udvalget) decided."""

    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGED = "changed"
    CHAIR_DECISION_UPHELD = "chair_decision_upheld"
    CHAIR_DECISION_LIFTED = "chair_decision_lifted"


class CommitteeDecision(Contract):
    """The committee decided, e.g. a placement without consent (BL §47, SEL §58).

    ``urgent`` marks the chair's provisional decision (BL §143, SEL §75), which must be
    presented to the committee within 7 days.
    """

    event_type: ClassVar[str] = "dk.casehub.decision.committee-decided"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    decision_id: RecordId = classified("The committee decision's id.", C.INTERNAL)
    decided_at: Timestamp = classified("When the committee decided.", C.INTERNAL)
    urgent: bool = classified("A provisional decision by the chair alone.", C.INTERNAL)
    legal_basis: LegalBasis = classified("The paragraph decided under.", C.SENSITIVE)
    outcome: CommitteeOutcome = classified("What was decided.", C.SENSITIVE)
    review_by: dt.date | None = classified(
        "When the decision must be reviewed.", C.INTERNAL, default=None
    )
    reasoning: str = classified(
        "The committee's reasoning.", C.SENSITIVE, min_length=1, max_length=50_000
    )


class Appellant(StrEnum):
    """The party who appealed."""

    CHILD = "child"  # the child or young person (from 10 years in some matters)
    CUSTODY_HOLDER = "custody_holder"
    YOUNG_PERSON = "young_person"  # 15 or older: a party in their own right
    OTHER_PARTY = "other_party"


class DecisionUpheld(Contract):
    """A party appealed a decision, and the municipality's review (genvurdering) upheld it.

    The appeal then goes to Ankestyrelsen with the case material. The parties' appeal
    period is 4 weeks from when the decision reached them (``decision_delivered_at``,
    the letter's delivery receipt), Retssikkerhedsloven §67.
    """

    event_type: ClassVar[str] = "dk.casehub.decision.upheld-on-appeal"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    appeal_id: RecordId = classified("The appeal's id.", C.INTERNAL)
    decision_id: RecordId = classified("The decision appealed and upheld.", C.INTERNAL)
    legal_basis: LegalBasis = classified("The paragraph the decision was made under.", C.SENSITIVE)
    appellant: Appellant = classified("Who appealed.", C.INTERNAL)
    decision_delivered_at: Timestamp = classified(
        "When the decision reached the party (delivery receipt): the appeal clock starts.",
        C.INTERNAL,
    )
    appeal_received_at: Timestamp = classified(
        "When the municipality received the appeal.", C.INTERNAL
    )
    reviewed_at: Timestamp = classified("When the review upheld the decision.", C.INTERNAL)
    grounds: str = classified(
        "The appeal's grounds in brief.", C.SENSITIVE, min_length=1, max_length=20_000
    )
    document_ids: tuple[RecordId, ...] = classified(
        "The case material sent on (documents filed in the archive).",
        C.INTERNAL,
        min_length=1,
        max_length=500,
    )
