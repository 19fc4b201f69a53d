"""What the sending hub has seen of a case: the material a handover package is made from.

One entry per hub case in the store ``cases`` (the group's state table, in Kafka, in the
case's task): the child (``CaseOpened``), the measures decided (``MeasureDecided``) and the
legal clock's open deadlines (``DeadlineSetV2``, dropped on ``DeadlineMetV2`` or either
version of ``DeadlineWithdrawn``); and one entry per journal note (``JournalNoteAdded``),
under ``<case>/note/<note id>``, so a case's row never grows with its journal past what one
changelog record can hold (a note is up to 50,000 characters; ids hold no ``/``); and one
entry per filed document with a content reference (``DocumentFiled`` v2), under
``<case>/document/<document id>``: the claim check the package's bytes are read with when it
is sealed (a v1 filing names no bytes, so nothing of it is packed). Its values hold CPR
numbers and case content (never its keys): the changelog is personal data at rest.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from adapters.handover.manifest import IcsAssessment, JournalEntry, Measure, OpenDeadline, Plan
from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.cpr import Cpr
from contracts.deadlines import (
    DeadlineMetV2,
    DeadlineSetV2,
    DeadlineWithdrawn,
    DeadlineWithdrawnV2,
)
from contracts.decision import MeasureDecided, PlanCreated, PlanRevised
from contracts.documents import DocumentFiled, DocumentFiledV2, DocumentReference, JournalNoteAdded
from contracts.investigation import InvestigationCompleted
from contracts.legal import ActBasis
from hub.runtime.state import Store

__all__ = ["REMEMBERED", "STORE", "CaseMemory", "SeenCase"]

STORE: Final = "cases"

REMEMBERED: Final[tuple[type[Contract], ...]] = (
    CaseOpened,
    MeasureDecided,
    PlanCreated,
    PlanRevised,
    InvestigationCompleted,
    JournalNoteAdded,
    DocumentFiled,
    DeadlineSetV2,
    DeadlineMetV2,
    DeadlineWithdrawn,
    DeadlineWithdrawnV2,
)
"""The events the memory keeps something of."""

HANDOVER_RULES: Final = "handover-"
"""The rules of a handover's own receipt and answer: the sender's watch, never handed over."""


class SeenCase(BaseModel):
    """One case as the hub has seen it."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    child: Cpr | None = Field(default=None, repr=False)
    measures: tuple[Measure, ...] = ()
    plans: tuple[Plan, ...] = ()
    """Each plan as last made or revised."""
    ics: IcsAssessment | None = None
    """The latest completed investigation's assessment."""
    journal: tuple[JournalEntry, ...] = ()
    deadlines: tuple[OpenDeadline, ...] = ()
    documents: tuple[DocumentReference, ...] = ()
    """The filed documents' references, in the order of their document ids."""


class CaseMemory:
    """The seen cases, in the record's task."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def case(self, case_id: str) -> SeenCase:
        """What has been seen of ``case_id`` (nothing yet: an empty case), its journal in order."""
        value = self._store.get(case_id)
        seen = SeenCase() if value is None else SeenCase.model_validate_json(value)
        documents = tuple(
            DocumentReference.model_validate_json(raw)
            for _key, raw in sorted(self._store.items(prefix=_document_key(case_id, "")))
        )
        if documents:
            seen = seen.model_copy(update={"documents": documents})
        notes = [
            JournalEntry.model_validate_json(raw)
            for _key, raw in self._store.items(prefix=_note_key(case_id, ""))
        ]
        if not notes:
            return seen
        known = {note.note_id for note in seen.journal}  # a row written before notes moved out
        journal = (*seen.journal, *(note for note in notes if note.note_id not in known))
        ordered = tuple(sorted(journal, key=lambda note: (note.written_at, note.note_id)))
        return seen.model_copy(update={"journal": ordered})

    def remember(self, case_id: str, data: Contract) -> None:
        """Keep what ``data`` says about the case (an event it does not know changes nothing)."""
        if isinstance(data, JournalNoteAdded):  # its own entry: the same key when redelivered
            note = JournalEntry(note_id=data.note_id, written_at=data.written_at, text=data.text)
            self._store.put(_note_key(case_id, data.note_id), note.model_dump_json().encode())
            return
        if isinstance(data, DocumentFiled):  # v2 with its bytes' reference; refiled: replaced
            if isinstance(data, DocumentFiledV2) and data.content is not None:
                key = _document_key(case_id, data.document_id)
                self._store.put(key, data.content.model_dump_json().encode())
            return
        value = self._store.get(case_id)
        seen = SeenCase() if value is None else SeenCase.model_validate_json(value)
        changed = _changed(seen, data)
        if changed is not seen:
            self._store.put(case_id, changed.model_dump_json().encode())

    def __repr__(self) -> str:
        return f"CaseMemory({self._store!r})"


def _note_key(case_id: str, note_id: str) -> str:
    return f"{case_id}/note/{note_id}"


def _document_key(case_id: str, document_id: str) -> str:
    return f"{case_id}/document/{document_id}"


_CONCLUSION_CHARACTERS: Final = 10_000


def _conclusion(data: InvestigationCompleted) -> str:
    """The assessment's conclusion and summary, within what the package's field holds.

    The full assessment (the triangle's ten dimensions) belongs in the case's documents.
    """
    text = f"{data.conclusion.value}: {data.summary}"
    if len(text) <= _CONCLUSION_CHARACTERS:
        return text
    return text[: _CONCLUSION_CHARACTERS - 1] + "…"


def _with_plan(seen: SeenCase, data: PlanCreated | PlanRevised) -> SeenCase:
    """The plan as last made or revised; an older version read late changes nothing."""
    made = data.created_at if isinstance(data, PlanCreated) else data.revised_at
    known = next((plan for plan in seen.plans if plan.plan_id == data.plan_id), None)
    if known is not None and known.made_at > made:
        return seen  # topics have no order between them
    plan = Plan(plan_id=data.plan_id, kind=data.kind, made_at=made)
    rest = tuple(other for other in seen.plans if other.plan_id != data.plan_id)
    return seen.model_copy(update={"plans": (*rest, plan)})


def _with_ics(seen: SeenCase, data: InvestigationCompleted) -> SeenCase:
    """The latest completed assessment; an earlier one read late changes nothing."""
    if seen.ics is not None and seen.ics.assessed_at > data.completed_at:
        return seen
    ics = IcsAssessment(assessed_at=data.completed_at, conclusion=_conclusion(data))
    return seen.model_copy(update={"ics": ics})


def _with_measure(seen: SeenCase, data: MeasureDecided) -> SeenCase:
    measure = Measure(
        measure_id=data.measure_id,
        kind=data.kind,
        legal_basis=ActBasis.model_validate_json(data.legal_basis.model_dump_json()),
        decided_at=data.decided_at,
        starts_on=data.period.start,
        ends_on=data.period.end,
    )
    others = tuple(m for m in seen.measures if m.measure_id != data.measure_id)
    return seen.model_copy(update={"measures": (*others, measure)})


def _with_deadline(seen: SeenCase, data: DeadlineSetV2) -> SeenCase:
    deadline = OpenDeadline(
        deadline_id=data.deadline_id,
        rule_id=data.rule_id,
        due_at=data.due_at,
        escalate_at=data.escalate_at,
        legal_basis=data.legal_basis,
    )
    rest = tuple(d for d in seen.deadlines if d.deadline_id != data.deadline_id)
    return seen.model_copy(update={"deadlines": (*rest, deadline)})


def _changed(seen: SeenCase, data: Contract) -> SeenCase:
    match data:
        case CaseOpened():
            changed = seen.model_copy(update={"child": data.child_cpr})
        case MeasureDecided():
            changed = _with_measure(seen, data)
        case PlanCreated() | PlanRevised():
            changed = _with_plan(seen, data)
        case InvestigationCompleted():
            changed = _with_ics(seen, data)
        case DeadlineSetV2() if not data.rule_id.startswith(HANDOVER_RULES):
            changed = _with_deadline(seen, data)
        case DeadlineMetV2() | DeadlineWithdrawn() | DeadlineWithdrawnV2():
            kept = tuple(d for d in seen.deadlines if d.deadline_id != data.deadline_id)
            changed = seen.model_copy(update={"deadlines": kept})
        case _:
            changed = seen
    return changed
