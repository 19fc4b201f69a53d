"""Aftercare (efterværn): support for a young person of 18 to 22 who was placed as a child.

For a young person placed outside the home, the municipality decides at least 6 months
before the 18th birthday whether aftercare is to follow (SEL §68 stk. 12; the Barnets
Lov paragraph is not yet verified). Deciding against aftercare is a decision too.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.legal import LegalBasis
from contracts.problems import cross_field
from contracts.types import RecordId

__all__ = ["AftercareDecided", "AftercareForm"]


class AftercareForm(StrEnum):
    """A form of aftercare the young person is granted."""

    CONTINUED_STAY = "continued_stay"  # the placement (døgnophold) continues past 18
    CONTACT_PERSON = "contact_person"  # a permanent contact person (fast kontaktperson)
    OTHER_SUPPORT = "other_support"  # other support towards independence


class AftercareDecided(Contract):
    """The municipality has decided whether a young person placed as a child gets aftercare.

    Due at least 6 months before the 18th birthday (SEL §68 stk. 12). ``granted`` false with
    no ``forms`` is a decision against aftercare, and meets the deadline as well.
    """

    event_type: ClassVar[str] = "dk.casehub.decision.aftercare-decided"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "decision"

    decision_id: RecordId = classified("The decision's id.", C.INTERNAL)
    decided_at: Timestamp = classified("When the decision was made.", C.INTERNAL)
    legal_basis: LegalBasis = classified("The paragraph decided under.", C.SENSITIVE)
    granted: bool = classified("Aftercare is granted.", C.SENSITIVE)
    forms: tuple[AftercareForm, ...] = classified(
        "The aftercare granted; empty when none is.", C.SENSITIVE, default=(), max_length=3
    )
    reasoning: str = classified(
        "The decision's reasoning.", C.SENSITIVE, min_length=1, max_length=50_000
    )

    @model_validator(mode="after")
    def _forms_when_granted(self) -> Self:
        if self.granted != bool(self.forms) or len(set(self.forms)) != len(self.forms):
            msg = "forms lists the aftercare granted, each once, and only when it is granted"
            raise cross_field(msg, "granted", "forms")
        return self
