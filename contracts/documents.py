"""Documents: what the case system files in the municipality's ESDH and the case journal."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.kle import Kle
from contracts.types import RecordId

__all__ = ["DocumentFiled", "DocumentKind", "JournalNoteAdded"]


class DocumentKind(StrEnum):
    """What a filed document is."""

    NOTIFICATION = "notification"
    INVESTIGATION = "investigation"
    DECISION = "decision"
    PLAN = "plan"
    STATEMENT = "statement"  # a statement from school, doctor, psychologist
    LETTER = "letter"
    OTHER = "other"


class DocumentFiled(Contract):
    """A document has been filed in the ESDH case under its KLE number (SF1470 index)."""

    event_type: ClassVar[str] = "dk.casehub.document.filed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "document"

    document_id: RecordId = classified("The hub's id of the document.", C.INTERNAL)
    esdh_case_number: str = classified(
        "The ESDH case number (e.g. 27.24.00-G01-123-26).",
        C.INTERNAL,
        min_length=1,
        max_length=64,
        pattern=r"^[\x21-\x7e]+$",
    )
    kle: Kle = classified("The KLE number the document is filed under.", C.INTERNAL)
    kind: DocumentKind = classified("What the document is.", C.INTERNAL)
    title: str = classified(
        "The document's title; may name the child.", C.PERSONAL, min_length=1, max_length=500
    )
    filed_at: AwareDatetime = classified("When it was filed.", C.INTERNAL)
    sha256: str = classified(
        "SHA-256 of the document's content, hex.", C.INTERNAL, pattern=r"^[0-9a-f]{64}$"
    )


class JournalNoteAdded(Contract):
    """A note has been added to the case's running journal (KLE 27.24.00)."""

    event_type: ClassVar[str] = "dk.casehub.document.journal-note-added"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "document"

    note_id: RecordId = classified("The note's id.", C.INTERNAL)
    written_at: AwareDatetime = classified("When the note was written.", C.INTERNAL)
    author_id: RecordId = classified("The case worker who wrote it.", C.INTERNAL)
    text: str = classified("The note.", C.SENSITIVE, min_length=1, max_length=50_000)
