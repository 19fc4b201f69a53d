"""The handover package's content: the manifest, what the old municipality sends the new one.

One JSON document (format ``casehub.handover/1``), described for other vendors in
``docs/handover.md``. Everything personal is kept out of ``repr``; the manifest only ever
travels signed and encrypted (``adapters.handover.sealing``), never on the bus.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from enum import StrEnum
from typing import Final, Literal, Self

from pydantic import Field, model_validator

from contracts.base import Record
from contracts.cpr import Cpr
from contracts.decision import MeasureKind, PlanKind
from contracts.documents import DocumentReference
from contracts.guards import Timestamp
from contracts.legal import ActBasis
from contracts.types import CaseId, Kommunekode, RecordId

__all__ = [
    "FORMAT",
    "Decision",
    "HandoverManifest",
    "IcsAssessment",
    "JournalEntry",
    "Measure",
    "OpenDeadline",
    "PackedDocument",
    "Party",
    "PartyRole",
    "Plan",
]

FORMAT: Final = "casehub.handover/1"
"""The manifest's format and version; a receiver refuses a format it does not know."""


class PartyRole(StrEnum):
    """Who a party is to the case."""

    CHILD = "child"
    CUSTODY_HOLDER = "custody_holder"  # forældremyndighedsindehaver


class Party(Record):
    """The child or a custody holder as the CPR register has them when the package is made."""

    role: PartyRole
    cpr: Cpr = Field(repr=False)
    name: str | None = Field(default=None, repr=False, min_length=1, max_length=300)
    """Absent when the sending hub has no register to ask."""
    address: str | None = Field(default=None, repr=False, max_length=500)
    address_protected: bool = False
    """Adressebeskyttelse: the address is never sent on, so ``address`` is then absent."""

    @model_validator(mode="after")
    def _protected_address_stays_home(self) -> Self:
        if self.address_protected and self.address is not None:
            msg = "a protected address is never sent on"
            raise ValueError(msg)
        return self


class Measure(Record):
    """An active measure and the decision's legal basis."""

    measure_id: RecordId
    kind: MeasureKind
    legal_basis: ActBasis
    decided_at: Timestamp
    starts_on: dt.date
    ends_on: dt.date | None = None


class Decision(Record):
    """A decision in the case (a measure's, a refusal, an investigation's start)."""

    decision_id: RecordId
    decided_at: Timestamp
    legal_basis: ActBasis
    summary: str = Field(repr=False, min_length=1, max_length=10_000)


class Plan(Record):
    """The child's plan (BL §91) or youth plan (BL §108) in force."""

    plan_id: RecordId
    kind: PlanKind
    made_at: Timestamp
    document_id: RecordId | None = None
    """The plan's document among ``documents``, when it has one."""


class IcsAssessment(Record):
    """The latest ICS assessment: when, and its conclusion (the full text is a document)."""

    assessed_at: Timestamp
    conclusion: str = Field(repr=False, min_length=1, max_length=10_000)
    document_id: RecordId | None = None


class JournalEntry(Record):
    """One note of the case's running journal."""

    note_id: RecordId
    written_at: Timestamp
    text: str = Field(repr=False, min_length=1, max_length=50_000)


class OpenDeadline(Record):
    """A deadline of the legal clock not yet met: the receiver's clock takes it, same due time."""

    deadline_id: RecordId
    rule_id: str = Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")
    due_at: Timestamp
    escalate_at: Timestamp
    legal_basis: ActBasis


class PackedDocument(Record):
    """A document: its reference (the claim check) and its bytes, base64, inside the package."""

    reference: DocumentReference
    content: str = Field(repr=False, pattern=r"^[A-Za-z0-9+/]*={0,2}$")
    """The bytes, standard base64 with padding."""

    @classmethod
    def of(cls, reference: DocumentReference, content: bytes) -> Self:
        """The document with its bytes (which the caller read through the document port)."""
        return cls(reference=reference, content=base64.b64encode(content).decode("ascii"))

    def data(self) -> bytes | None:
        """The bytes, or ``None`` when they are not the reference's (size or SHA-256)."""
        data = base64.b64decode(self.content, validate=True)
        if len(data) != self.reference.size:
            return None
        if hashlib.sha256(data).hexdigest() != self.reference.sha256:
            return None
        return data


class HandoverManifest(Record):
    """The case as the old municipality hands it over (BL §132)."""

    format: Literal["casehub.handover/1"] = FORMAT
    handover_id: RecordId
    case_id: CaseId
    """The case's id at the sending municipality."""
    from_municipality: Kommunekode
    to_municipality: Kommunekode
    created_at: Timestamp
    summary: str = Field(repr=False, min_length=1, max_length=50_000)
    parties: tuple[Party, ...] = Field(min_length=1)
    measures: tuple[Measure, ...] = ()
    decisions: tuple[Decision, ...] = ()
    plans: tuple[Plan, ...] = ()
    ics: IcsAssessment | None = None
    journal: tuple[JournalEntry, ...] = ()
    deadlines: tuple[OpenDeadline, ...] = ()
    documents: tuple[PackedDocument, ...] = ()

    @model_validator(mode="after")
    def _one_child_elsewhere(self) -> Self:
        if sum(party.role is PartyRole.CHILD for party in self.parties) != 1:
            msg = "a handover concerns exactly one child"
            raise ValueError(msg)
        if self.from_municipality == self.to_municipality:
            msg = "a handover goes to another municipality"
            raise ValueError(msg)
        return self
