"""Proposal: a measure prepared for decision (indstilling), before anyone has decided it.

Some duties fall before the decision, so their clocks start on the proposal: the child is
heard (BL §5, SEL §48) and, for a placement without consent (BL §47, SEL §58), the child's
plan is made (BL §91 stk. 2). Both are due by the planned decision and missed if the
decision comes first.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.decision import MeasureKind
from contracts.guards import Timestamp
from contracts.legal import LegalBasis
from contracts.problems import cross_field
from contracts.types import RecordId

__all__ = ["MeasureProposed"]


class MeasureProposed(Contract):
    """A measure has been proposed for decision (indstilling), e.g. to the committee.

    The decision on it (``MeasureDecided``) names the same ``measure_id``. Until then the
    child is to be heard and, for a placement without consent, the child's plan made, both
    by ``decision_planned_at`` (for a placement without consent: the committee's meeting).
    Only a hearing or plan recorded from the proposal on meets them, so it is sent when
    the proposal is made. A postponed decision is a new proposal with the new time.
    """

    event_type: ClassVar[str] = "dk.casehub.decision.measure-proposed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    proposal_id: RecordId = classified("The proposal's id.", C.INTERNAL)
    measure_id: RecordId = classified(
        "The measure proposed; its decision and later events name it.", C.INTERNAL
    )
    proposed_at: Timestamp = classified(
        "When the measure was proposed; the clocks before the decision start here.",
        C.INTERNAL,
    )
    decision_planned_at: Timestamp = classified(
        "When the decision is to be made (the committee's meeting, for a placement without "
        "consent); the hearing and the plan are due by then.",
        C.INTERNAL,
    )
    kind: MeasureKind = classified("The measure proposed.", C.SENSITIVE)
    legal_basis: LegalBasis = classified(
        "The paragraph the decision would be made under.", C.SENSITIVE
    )
    consent: bool = classified(
        "The custody holders and the young person (15+) consent; false for a placement "
        "without consent.",
        C.SENSITIVE,
    )
    reasoning: str = classified(
        "The proposal's reasoning.", C.SENSITIVE, min_length=1, max_length=50_000
    )

    @model_validator(mode="after")
    def _decided_after_proposed(self) -> Self:
        if self.decision_planned_at < self.proposed_at:
            msg = "decision_planned_at must not be earlier than proposed_at"
            raise cross_field(msg, "proposed_at", "decision_planned_at")
        return self
