"""A synthetic case to hand over: parties with synthetic CPR numbers, a measure, a deadline."""

from __future__ import annotations

import datetime as dt
import hashlib

from adapters.handover.manifest import (
    HandoverManifest,
    JournalEntry,
    Measure,
    OpenDeadline,
    PackedDocument,
    Party,
    PartyRole,
)
from contracts.cpr import Cpr
from contracts.decision import MeasureKind
from contracts.documents import DocumentReference, MediaType
from contracts.legal import Act, ActBasis
from tests.people import CHILD, MOTHER

SENDER = "101"  # København
RECEIVER = "751"  # Aarhus
OTHER = "461"  # Odense
CHILD_NAME = "Testbarn Syntetisk"
DOCUMENT = b"%PDF-1.7 synthetic statement from school\n"


def reference(content: bytes = DOCUMENT) -> DocumentReference:
    return DocumentReference(
        document_id="8d1f5c1e-3b7a-4e1c-9c55-0d6f3b1f2a10",
        sha256=hashlib.sha256(content).hexdigest(),
        media_type=MediaType("application/pdf"),
        size=len(content),
        file_name="skoleudtalelse.pdf",
    )


def manifest(*, to: str = RECEIVER, handover_id: str = "ho-1") -> HandoverManifest:
    at = dt.datetime(2026, 5, 30, 9, 0, tzinfo=dt.UTC)
    return HandoverManifest(
        handover_id=handover_id,
        case_id="case-42",
        from_municipality=SENDER,
        to_municipality=to,
        created_at=at,
        summary="The family moves; the supporting measure continues.",
        parties=(
            Party(role=PartyRole.CHILD, cpr=Cpr(CHILD), name=CHILD_NAME, address="Testvej 1, 8000"),
            Party(
                role=PartyRole.CUSTODY_HOLDER,
                cpr=Cpr(MOTHER),
                name="Mor Syntetisk",
                address_protected=True,
            ),
        ),
        measures=(
            Measure(
                measure_id="m-1",
                kind=MeasureKind.FAMILY_TREATMENT,
                legal_basis=ActBasis(law=Act.BL, paragraph="32", stk=1, nr=3),
                decided_at=at - dt.timedelta(days=40),
                starts_on=dt.date(2026, 4, 21),
            ),
        ),
        journal=(JournalEntry(note_id="n-1", written_at=at, text="Spoke with the school."),),
        deadlines=(
            OpenDeadline(
                deadline_id="d-1",
                rule_id="bl95.first-follow-up",
                due_at=at + dt.timedelta(days=50),
                escalate_at=at + dt.timedelta(days=45),
                legal_basis=ActBasis(law=Act.BL, paragraph="95"),
            ),
        ),
        documents=(PackedDocument.of(reference(), DOCUMENT),),
    )
