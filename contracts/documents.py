"""Documents: what the case system files in the municipality's ESDH and the case journal."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.kle import Kle
from contracts.types import RecordId

__all__ = ["ArchivedEntry", "DocumentArchived", "DocumentFiled", "DocumentKind", "JournalNoteAdded"]


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
    filed_at: Timestamp = classified("When it was filed.", C.INTERNAL)
    sha256: str = classified(
        "SHA-256 of the document's content, hex.", C.INTERNAL, pattern=r"^[0-9a-f]{64}$"
    )


class JournalNoteAdded(Contract):
    """A note has been added to the case's running journal (KLE 27.24.00)."""

    event_type: ClassVar[str] = "dk.casehub.document.journal-note-added"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "document"

    note_id: RecordId = classified("The note's id.", C.INTERNAL)
    written_at: Timestamp = classified("When the note was written.", C.INTERNAL)
    author_id: RecordId = classified("The case worker who wrote it.", C.INTERNAL)
    text: str = classified("The note.", C.SENSITIVE, min_length=1, max_length=50_000)


class ArchivedEntry(StrEnum):
    """What the archive filed: a document, or a note in the case's journal."""

    DOCUMENT = "document"
    JOURNAL_NOTE = "journal_note"


class DocumentArchived(Contract):
    """A filed document or journal note is in the municipality's archive (SF1470 index).

    The follow-up to ``DocumentFiled`` or ``JournalNoteAdded``: the archive's own case number
    and document id, so the case system can link to them.
    """

    event_type: ClassVar[str] = "dk.casehub.document.archived"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "document"

    entry: ArchivedEntry = classified("What was filed.", C.INTERNAL)
    entry_id: RecordId = classified(
        "The hub's id of what was filed (the document_id or note_id).", C.INTERNAL
    )
    kle: Kle = classified("The KLE number of the archive case.", C.INTERNAL)
    archive_case_number: str = classified(
        "The archive's case number (sagsnummer).",
        C.INTERNAL,
        min_length=1,
        max_length=64,
        pattern=r"^[\x21-\x7e]+$",
    )
    archive_case_id: str = classified(
        "The archive case's UUID.",
        C.INTERNAL,
        pattern=r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$",
    )
    archive_document_id: str = classified(
        "The archive's id of the document or journal post (a UUID).",
        C.INTERNAL,
        pattern=r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$",
    )
    case_created: bool = classified(
        "True when the archive had no case for the child under this KLE number.", C.INTERNAL
    )
    expected_case_number_matched: bool | None = classified(
        "For a document: whether the archive's case number is the one the case system named.",
        C.INTERNAL,
        default=None,
    )
    archived_at: Timestamp = classified("When the archive confirmed it.", C.INTERNAL)
