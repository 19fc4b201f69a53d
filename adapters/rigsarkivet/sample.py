"""A synthetic case history with synthetic documents, for ``casehub archive sample``.

Every child has a synthetic CPR number (day + 60, never a real person's), every document is
a generated multi-page PDF, and the events are the hub's real contracts in real envelopes,
so a sample version is built by the same code as a delivered one. The history is produced
as it is read: a document's bytes live only until the build has fetched them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fpdf import FPDF

from adapters.rigsarkivet.history import Fetched
from contracts.base import Contract
from contracts.case import CaseClosed, CaseClosure, CaseOpened, CaseWorkerAssigned, SubProcess
from contracts.cpr import Cpr
from contracts.deadlines import DeadlineMetV2, DeadlineSetV2
from contracts.decision import MeasureDecided, MeasureKind, Period, PlanCreated, PlanKind
from contracts.documents import DocumentFiled, DocumentKind
from contracts.envelope import Event, new_event
from contracts.investigation import ChildHeard, HearingForm, InvestigationStarted
from contracts.legal import Act, ActBasis, Law, LegalBasis
from contracts.letters import DeliveryChannel, LetterDelivered, LetterPurpose, LetterRequestedV2
from contracts.person import Address, PersonResolved, RelatedPerson, Relation

__all__ = ["SampleDocuments", "sample_history", "synthetic_cpr", "synthetic_pdf"]

_SOURCE = "urn:casehub:sample"
_KLE = "27.24.00"
_MEASURES = (
    (MeasureKind.FAMILY_TREATMENT, 3),
    (MeasureKind.RESPITE_CARE, 5),
    (MeasureKind.PERSONAL_ADVISER, 6),
    (MeasureKind.CONTACT_PERSON, 7),
)


def synthetic_cpr(rng: random.Random, year: int) -> str:
    """A CPR number whose day digit is raised by 6: the form never given to a person."""
    birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    digit7 = 4 if year >= 2000 else 2  # noqa: PLR2004 - the century rule for 1900-2036
    return f"{birth.day + 60:02d}{birth.month:02d}{year % 100:02d}{digit7}{rng.randrange(1000):03d}"


def synthetic_pdf(title: str, pages: int, seed: int) -> bytes:
    """A PDF of ``pages`` pages of synthetic case text (no person's data)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic text, not security
    words = (
        "barnet",
        "skolen",
        "samtale",
        "trivsel",
        "indsats",
        "opfølgning",
        "familien",
        "netværk",
        "udvikling",
        "støtte",
        "møde",
        "aftale",
        "plan",
        "vurdering",
    )
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # same bytes for one seed
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.cell(0, 10, f"{title} - side {page} af {pages}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        for _ in range(12):
            line = " ".join(rng.choice(words) for _ in range(14))
            pdf.multi_cell(0, 6, line.capitalize() + ".", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@dataclass
class SampleDocuments:
    """The sample's documents, held from the event that files one until it is fetched."""

    pending: dict[str, Fetched] = field(default_factory=dict)

    async def fetch(self, event: Event[DocumentFiled]) -> Fetched:
        """The document the event filed (once)."""
        return self.pending.pop(event.data.document_id)


async def sample_history(  # noqa: PLR0913 - the sample's dials
    documents: SampleDocuments,
    *,
    cases: int,
    municipality: str = "101",
    start: dt.date = dt.date(2024, 1, 1),
    end: dt.date = dt.date(2025, 12, 31),
    pages: int = 2,
    seed: int = 1,
    first: int = 1,
) -> AsyncIterator[Event[Contract]]:
    """``cases`` cases (``case-<first>``, ...) of 14 events and 2 documents of ``pages`` pages.

    Every third child has address protection: its CPR answer carries no address.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    span = max((end - start).days - 60, 1)
    for number in range(first, first + cases):
        opened = dt.datetime.combine(
            start + dt.timedelta(days=rng.randrange(span)), dt.time(9), tzinfo=dt.UTC
        )
        case = _Case(f"case-{number}", municipality, opened, rng)
        for event in case.events(documents, pages):
            yield event


@dataclass
class _Case:
    case_id: str
    municipality: str
    opened: dt.datetime
    rng: random.Random

    def _event(self, data: Contract, at: dt.datetime) -> Event[Contract]:
        return new_event(
            data,
            source=_SOURCE,
            municipality=self.municipality,
            case_id=self.case_id,
            event_id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            time=at,
        )

    def _document(
        self, documents: SampleDocuments, kind: DocumentKind, at: dt.datetime, pages: int
    ) -> Event[Contract]:
        title = {
            DocumentKind.INVESTIGATION: "Børnefaglig undersøgelse",
            DocumentKind.DECISION: "Afgørelse om indsats",
        }.get(kind, "Notat")
        document_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        content = synthetic_pdf(title, pages, self.rng.getrandbits(32))
        documents.pending[document_id] = Fetched(content, f"{kind.value}-{document_id[:8]}.pdf")
        filed = DocumentFiled(
            document_id=document_id,
            esdh_case_number=f"{_KLE}-G01-{self.case_id.removeprefix('case-')}-26",
            kle=_KLE,
            kind=kind,
            title=title,
            filed_at=at,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        return self._event(filed, at)

    def _resolved(self, request_id: str, child: Cpr, mother: Cpr, father: Cpr) -> PersonResolved:
        protected = self.rng.randrange(3) == 0
        return PersonResolved(
            request_id=request_id,
            cpr=child,
            full_name=f"Syntetisk Barn {self.case_id.removeprefix('case-')}",
            birth_date=dt.date(2015, 1, 1),
            address_protected=protected,
            address=None
            if protected
            else Address(
                street="Prøvevej 1",
                postal_code="9999",
                city="Prøveby",
                municipality=self.municipality,
            ),
            related=(
                RelatedPerson(cpr=mother, relation=Relation.MOTHER, has_custody=True),
                RelatedPerson(cpr=father, relation=Relation.FATHER, has_custody=False),
            ),
        )

    def _letter(self, recipient: Cpr, at: dt.datetime) -> list[Event[Contract]]:
        letter_id = f"{self.case_id}-letter-1"
        requested = LetterRequestedV2(
            letter_id=letter_id,
            purpose=LetterPurpose.DECISION,
            decision_id=f"{self.case_id}-decision-1",
            recipient_cpr=recipient,
            title="Afgørelse om indsats",
            body="Syntetisk brev: kommunen har truffet afgørelse om en indsats.",
        )
        delivered = LetterDelivered(
            letter_id=letter_id,
            delivered_at=at + dt.timedelta(hours=1),
            channel=DeliveryChannel.DIGITAL_POST,
            message_uuid=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
        )
        return [self._event(requested, at), self._event(delivered, at + dt.timedelta(hours=1))]

    def events(self, documents: SampleDocuments, pages: int) -> list[Event[Contract]]:
        at = self.opened
        day = dt.timedelta(days=1)
        kind, nr = self.rng.choice(_MEASURES)
        deadline = f"{self.case_id}-investigation"
        opened = self._event(
            CaseOpened(
                opened_at=at,
                child_cpr=Cpr(synthetic_cpr(self.rng, 2010 + self.rng.randrange(15))),
                sub_process=SubProcess.INVESTIGATION,
                kle=_KLE,
            ),
            at,
        )
        basis = ActBasis(law=Act.BL, paragraph="20", stk=3)
        deadline_set = DeadlineSetV2(
            deadline_id=deadline,
            rule_id="bl-20-investigation",
            due_at=at + 120 * day,
            escalate_at=at + 100 * day,
            legal_basis=basis,
            trigger_event_id=opened.envelope.id,
        )
        decided = at + 40 * day
        child = opened.data
        assert isinstance(child, CaseOpened)  # noqa: S101 - made just above
        mother, father = (Cpr(synthetic_cpr(self.rng, 1980 + self.rng.randrange(15))) for _ in "mf")
        investigation = f"{self.case_id}-investigation"
        return [
            opened,
            self._event(
                CaseWorkerAssigned(assigned_at=at, caseworker_id=f"cw-{self.rng.randrange(40)}"),
                at,
            ),
            self._event(self._resolved(opened.envelope.id, child.child_cpr, mother, father), at),
            self._event(deadline_set, at),
            self._event(
                InvestigationStarted(
                    investigation_id=investigation,
                    started_at=at,
                    aware_since=at.date(),
                    legal_basis=LegalBasis(law=Law.BL, paragraph="20"),
                    reason="Syntetisk begrundelse: underretning om bekymring for trivsel.",
                ),
                at,
            ),
            self._event(
                ChildHeard(
                    heard_at=at + 20 * day,
                    form=HearingForm.CONVERSATION,
                    support_person_present=False,
                    summary="Syntetisk resumé af børnesamtalen.",
                ),
                at + 20 * day,
            ),
            self._document(documents, DocumentKind.INVESTIGATION, at + 30 * day, pages),
            self._event(
                DeadlineMetV2(
                    **dict(deadline_set), met_at=at + 30 * day, met_by_event_id=opened.envelope.id
                ),
                at + 30 * day,
            ),
            self._event(
                MeasureDecided(
                    decision_id=f"{self.case_id}-decision-1",
                    measure_id=f"{self.case_id}-measure-1",
                    decided_at=decided,
                    kind=kind,
                    legal_basis=LegalBasis(law=Law.BL, paragraph="32", stk=1, nr=nr),
                    sel_basis=LegalBasis(law=Law.SEL, paragraph="52", stk=3, nr=nr),
                    period=Period(start=decided.date(), end=(decided + 50 * day).date()),
                    consent=True,
                    reasoning="Syntetisk begrundelse: indsatsen støtter barnets trivsel.",
                ),
                decided,
            ),
            self._document(documents, DocumentKind.DECISION, decided, pages),
            *self._letter(mother, decided),
            self._event(
                PlanCreated(
                    plan_id=f"{self.case_id}-plan-1",
                    kind=PlanKind.CHILD_PLAN,
                    created_at=decided + 10 * day,
                    legal_basis=LegalBasis(law=Law.BL, paragraph="91"),
                    goals=("Barnet trives i skolen.", "Familien har et netværk."),
                    measure_ids=(f"{self.case_id}-measure-1",),
                ),
                decided + 10 * day,
            ),
            self._event(
                CaseClosed(closed_at=decided + 55 * day, closure=CaseClosure.MEASURES_ENDED),
                decided + 55 * day,
            ),
        ]
