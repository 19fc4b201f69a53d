"""The case history as rows: each event becomes a journal row and, by its type, a row of its own.

Bad input is reported per item (``BadItem``: which one, and why) and the build goes on to
find every other; a version with any bad item is never finished (``build``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, cast

from adapters.rigsarkivet.rows import rows_of
from adapters.rigsarkivet.tables import DeadlineFact
from adapters.rigsarkivet.writer import ArchiveVersion
from contracts.base import Contract
from contracts.case import CaseClosed, CaseOpened
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
)
from contracts.decision import MeasureDecided
from contracts.documents import DocumentFiled, MediaType
from contracts.envelope import Event
from contracts.legal import ActBasis, LegalBasis
from hub.runtime.errors import PermanentError

__all__ = ["BadItem", "DocumentSource", "Fetched", "Progress", "Projector"]

_FACTS: dict[type[Contract], DeadlineFact] = {
    DeadlineSet: DeadlineFact.SET,
    DeadlineSetV2: DeadlineFact.SET,
    DeadlineApproaching: DeadlineFact.APPROACHING,
    DeadlineApproachingV2: DeadlineFact.APPROACHING,
    DeadlineMet: DeadlineFact.MET,
    DeadlineMetV2: DeadlineFact.MET,
    DeadlineMissed: DeadlineFact.MISSED,
    DeadlineMissedV2: DeadlineFact.MISSED,
    DeadlineWithdrawn: DeadlineFact.WITHDRAWN,
}


class _DeadlineFields(Protocol):
    """What every deadline fact carries, in both versions."""

    @property
    def deadline_id(self) -> str: ...
    @property
    def rule_id(self) -> str: ...
    @property
    def due_at(self) -> dt.datetime: ...
    @property
    def legal_basis(self) -> LegalBasis | ActBasis: ...


@dataclass(frozen=True)
class BadItem:
    """One item the version cannot include: which (an event id, a record's place) and why."""

    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


@dataclass(frozen=True)
class Fetched:
    """A document's bytes, the file name it had and its media type."""

    content: bytes
    file_name: str
    media_type: MediaType = MediaType.PDF


class DocumentSource(Protocol):
    """Where a filed document's bytes come from (the document port, or a sample's memory)."""

    async def fetch(self, event: Event[DocumentFiled]) -> Fetched:
        """The document the event filed.

        Raises:
            PermanentError: it is not there or its bytes are not the filed ones.

        """
        ...


Progress = Callable[[int, int, int], None]
"""Called after each event with the cases, documents and pages so far."""


@dataclass
class Projector:
    """Writes each event of the history into the version's tables and documents."""

    version: ArchiveVersion
    documents: DocumentSource
    progress: Progress | None = None
    bad: list[BadItem] = field(default_factory=list)
    # Kept per case and per child, not per event: a few bytes each, so memory stays flat
    # in the number of events and pages (the benchmark measures it).
    _cases: set[str] = field(default_factory=set)
    _closed: set[str] = field(default_factory=set)
    _children: dict[str, int] = field(default_factory=dict)
    _events: int = 0

    @property
    def cases(self) -> int:
        """How many cases are in the version so far."""
        return len(self._cases)

    @property
    def case_ids(self) -> frozenset[str]:
        """The cases in the version so far."""
        return frozenset(self._cases)

    def reject(self, item: BadItem) -> None:
        """Record an item that could not even be read as an event."""
        self.bad.append(item)

    async def add(self, event: Event[Contract]) -> None:
        """Write one event; a problem with it is recorded in ``bad``, never raised."""
        data, case_id = event.data, event.envelope.caseid
        if isinstance(data, CaseOpened):
            self._open(event, data)
        elif case_id not in self._cases:
            self.bad.append(BadItem(f"event {event.envelope.id}", "its case is not in the version"))
            return
        self._events += 1
        number = self._events
        self.version.write(
            "journal",
            (
                number,
                event.envelope.id,
                case_id,
                event.envelope.type,
                event.envelope.contractversion,
                event.envelope.time,
                event.envelope.source,
            ),
        )
        if isinstance(data, CaseClosed):
            self._close(case_id, data)
        elif isinstance(data, MeasureDecided):
            self._decision(number, case_id, data)
        elif isinstance(data, DocumentFiled):
            await self._document(number, cast("Event[DocumentFiled]", event), data)
        elif type(data) in _FACTS:
            self._deadline(number, case_id, data)
        else:
            for table, row in rows_of(number, case_id, data, children=self._children):
                self.version.write(table, row)
        if self.progress is not None:
            self.progress(len(self._cases), self.version.documents, self.version.pages)

    def _open(self, event: Event[Contract], data: CaseOpened) -> None:
        case_id = event.envelope.caseid
        if case_id in self._cases:
            return  # the journal keeps the repeat; the case is one row
        cpr = data.child_cpr.reveal()
        child = self._children.get(cpr)
        if child is None:
            child = self._children[cpr] = len(self._children) + 1
            self.version.write("children", (child, cpr))
        self._cases.add(case_id)
        self.version.write(
            "cases",
            (
                case_id,
                event.envelope.municipality,
                child,
                data.sub_process.value,
                str(data.kle),
                data.opened_at,
                data.cause_id,
            ),
        )

    def _close(self, case_id: str, data: CaseClosed) -> None:
        if case_id in self._closed:
            return
        self._closed.add(case_id)
        self.version.write(
            "case_closures", (case_id, data.closed_at, data.closure.value, data.note)
        )

    def _decision(self, number: int, case_id: str, data: MeasureDecided) -> None:
        self.version.write(
            "decisions",
            (
                number,
                data.decision_id,
                case_id,
                data.measure_id,
                data.decided_at,
                data.kind.value,
                data.legal_basis.law.value,
                str(data.legal_basis),
                None if data.sel_basis is None else str(data.sel_basis),
                data.period.start,
                data.period.end,
                data.consent,
                data.reasoning,
            ),
        )

    def _deadline(self, number: int, case_id: str, data: Contract) -> None:
        fact = cast("_DeadlineFields", data)  # every type in _FACTS has these fields
        self.version.write(
            "deadlines",
            (
                number,
                fact.deadline_id,
                case_id,
                _FACTS[type(data)].value,
                fact.rule_id,
                fact.due_at,
                fact.legal_basis.law.value,
                str(fact.legal_basis),
            ),
        )

    async def _document(
        self, number: int, event: Event[DocumentFiled], data: DocumentFiled
    ) -> None:
        item = f"document {data.document_id} (event {event.envelope.id})"
        try:
            fetched = await self.documents.fetch(event)
            if hashlib.sha256(fetched.content).hexdigest() != data.sha256:
                self.bad.append(BadItem(item, "its bytes do not match the filed SHA-256"))
                return
            document_no, pages = await asyncio.to_thread(
                self.version.add_document, fetched.content, fetched.media_type, fetched.file_name
            )
        except PermanentError as exc:
            self.bad.append(BadItem(item, str(exc)))
            return
        self.version.write(
            "documents",
            (
                document_no,
                number,
                event.envelope.caseid,
                data.document_id,
                data.esdh_case_number,
                data.kind.value,
                data.title,
                data.filed_at,
                data.sha256,
                pages,
            ),
        )
