"""Documents: what the case system files in the municipality's ESDH and the case journal."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated, ClassVar, Final

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.kle import Kle
from contracts.types import RecordId

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "ArchivedEntry",
    "DocumentArchived",
    "DocumentFiled",
    "DocumentFiledV2",
    "DocumentKind",
    "DocumentReference",
    "JournalNoteAdded",
    "MediaType",
]

MAX_DOCUMENT_BYTES: Final = 20 * 1024 * 1024
"""The largest document the hub carries by reference: 20 MiB."""


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


class MediaType(StrEnum):
    """The document types the hub accepts: what the archive and the national services take.

    PDF (PDF/A for what is archived), the archival image formats TIFF and JPEG 2000, JPEG and
    PNG for scans and photos, plain text and XML.
    """

    PDF = "application/pdf"
    TIFF = "image/tiff"
    JPEG = "image/jpeg"
    JP2 = "image/jp2"
    PNG = "image/png"
    TEXT = "text/plain"
    XML = "application/xml"


# A CPR number anywhere in the name, hyphen or not, day 01-31 or 61-91 (replacement and
# synthetic numbers), not inside a longer run of digits: a file name is often a person's.
_CPR_IN_NAME: Final = re.compile(
    r"(?<![0-9])(?:[0-2][0-9]|3[01]|[6-8][0-9]|9[01])(?:0[1-9]|1[0-2])[0-9]{2}"
    r"[-_ .]?[0-9]{4}(?![0-9])"
)
_FILE_NAME_ERROR: Final = "file_name"


def _safe_file_name(name: str) -> str:
    if "/" in name or "\\" in name or name in {".", ".."}:
        msg = "not a file name: no path separators, not . or .."
        raise PydanticCustomError(_FILE_NAME_ERROR, msg)
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        msg = "not a file name: control or formatting characters"
        raise PydanticCustomError(_FILE_NAME_ERROR, msg)
    if name != name.strip():
        msg = "not a file name: leading or trailing white space"
        raise PydanticCustomError(_FILE_NAME_ERROR, msg)
    if _CPR_IN_NAME.search(name):
        msg = "a file name must not hold a CPR number"
        raise PydanticCustomError(_FILE_NAME_ERROR, msg)
    return name


FileName = Annotated[
    str, StringConstraints(min_length=1, max_length=255), AfterValidator(_safe_file_name)
]
"""A document's file name as the case system gave it: one name, no path, no CPR number."""

DocumentId = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    ),
]
"""The hub's id of a stored document: a random UUID (version 4), lower case."""


class DocumentReference(Record):
    """A claim check: where a document's bytes are, and how to know them, never the bytes.

    The document port (``adapters/documents``) gives one out when it stores a document; a
    reader fetches the bytes through the port with it, which checks ``size`` and ``sha256``.
    The municipality is the event's (``ce_municipality``); the store keeps each
    municipality's documents apart.
    """

    document_id: DocumentId = classified(
        "The hub's id of the stored document (a random UUID).", C.INTERNAL
    )
    sha256: str = classified(
        "SHA-256 of the document's bytes, lower-case hex.", C.INTERNAL, pattern=r"^[0-9a-f]{64}$"
    )
    media_type: MediaType = classified("The document's media type.", C.INTERNAL)
    size: int = classified(
        "The document's size in bytes (at most 20 MiB).",
        C.INTERNAL,
        ge=1,
        le=MAX_DOCUMENT_BYTES,
    )
    file_name: FileName = classified(
        "The file name the case system gave it; may name a person.", C.PERSONAL
    )


class DocumentFiledV2(DocumentFiled):
    """A document has been filed in the ESDH case under its KLE number (SF1470 index).

    v2: carries the document's reference in the document port (the claim check), so a
    later reader (the archival version for Rigsarkivet) can fetch the very bytes filed.
    Optional, so a v1 event reads as v2 without one.
    """

    event_version: ClassVar[int] = 2

    content: DocumentReference | None = classified(
        "The document in the document store (id, SHA-256, media type, size, file name).",
        C.INTERNAL,
        default=None,
    )
