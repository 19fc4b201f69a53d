"""The archiver: documents and journal notes filed in the municipality's archive (ESDH).

Semantics (the decision behind the contracts):

- ``CaseOpened`` is remembered (``parties``: the archive group's state, in Kafka): the
  archive files by party, and only the case's opening names the child. A document or note
  for a case whose opening has not been seen yet raises ``CasePartyUnknownError``
  (transient: the case topic may simply be behind).
- ``DocumentFiled`` is the case system's fact that it filed a document, naming the ESDH case
  number it expects. The archiver finds the child's case under the document's KLE number
  (primary party = the child); when there is none it creates one with the expected number.
  The archive stays authoritative: when it already holds the case under another number,
  the document goes there and the follow-up says the numbers differ.
- ``JournalNoteAdded`` goes the same way under KLE 27.24.00 (the running child journal) as a
  journal note (journalnotat).
- Each is answered with ``DocumentArchived``: the archive's case number and UUID and the
  document or journal post id. Its event id derives from the cause's (``follow_up``).

Ids derive from the causing event's id: the case created for an event, and the document
and journal post filed for it. A redelivered event therefore finds the case it created and
the archive recognises the filing; nothing is filed twice and the same follow-up is sent.
Port errors propagate to the delivery policy: unavailable is retried, refused pauses the
consumer, rejected is quarantined.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final, cast

import structlog

from adapters.archive.parties import CaseParties
from adapters.archive.port import Archive, ArchiveCase, Entry, EntryKind, NewCase
from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.cpr import Cpr
from contracts.documents import (
    ArchivedEntry,
    DocumentArchived,
    DocumentFiled,
    DocumentKind,
    JournalNoteAdded,
)
from contracts.envelope import Event, follow_up
from hub.runtime.errors import TransientError
from hub.runtime.seams import Handler, Publish

__all__ = [
    "JOURNAL_KLE",
    "NAME",
    "CasePartyUnknownError",
    "build_archiver",
    "entry_id",
]

NAME: Final = "archive"
JOURNAL_KLE: Final = "27.24.00"
"""The running child journal: journal notes are filed on the child's case under it."""

_IDS: Final = uuid.UUID("0b8f3c1e-5a7d-4e29-9c64-2f0d7a1b3e58")
_DOCUMENT_TYPES: Final = {
    DocumentKind.NOTIFICATION: "Brev, indgaaende",
    DocumentKind.INVESTIGATION: "Rapport",
    DocumentKind.DECISION: "Brev, udgaaende",
    DocumentKind.PLAN: "Plan",
    DocumentKind.STATEMENT: "Eksternt Notat",
    DocumentKind.LETTER: "Brev, udgaaende",
    DocumentKind.OTHER: "Andet",
}
log = structlog.get_logger(__name__)


class CasePartyUnknownError(TransientError):
    """The case's ``CaseOpened`` has not been seen, so the child is not known yet."""


def case_id_for(event_id: str) -> uuid.UUID:
    """The id of the archive case created for the event ``event_id``."""
    return uuid.uuid5(_IDS, f"{event_id}/case")


def entry_id(event_id: str) -> uuid.UUID:
    """The id of the document or journal post filed for the event ``event_id``."""
    return uuid.uuid5(_IDS, f"{event_id}/entry")


def build_archiver(
    archive: Archive, publish: Publish, *, source: str, parties: CaseParties
) -> Handler:
    """The archiver handler; ``publish`` returns once the broker has the follow-up."""

    async def archiver(event: Event[Contract]) -> None:
        data = event.data
        envelope = event.envelope
        if isinstance(data, CaseOpened):
            parties.remember(envelope.caseid, data.child_cpr)
            return
        filed = cast("DocumentFiled | JournalNoteAdded", data)  # the other types it consumes
        child = parties.child_of(envelope.caseid)
        if child is None:
            msg = "archive: the case's child is not known yet (no CaseOpened seen)"
            raise CasePartyUnknownError(msg)
        archived = await _archive(archive, event, filed, child)
        follow = follow_up(event, archived, source=source)
        topic = await publish(follow)
        log.info(
            "document_archived",
            event_id=envelope.id,
            case_id=envelope.caseid,
            follow_up_id=follow.envelope.id,
            case_created=archived.case_created,
            topic=topic,
        )

    return archiver


async def _archive(
    archive: Archive,
    event: Event[Contract],
    data: DocumentFiled | JournalNoteAdded,
    child: Cpr,
) -> DocumentArchived:
    municipality = event.envelope.municipality
    if isinstance(data, DocumentFiled):
        kle, expected, when = data.kle, data.esdh_case_number, data.filed_at
        entry = Entry(
            entry_id=entry_id(event.envelope.id),
            kind=EntryKind.DOCUMENT,
            reference=data.document_id,
            title=data.title,
            filed_at=data.filed_at,
            party=child,
            document_type=_DOCUMENT_TYPES[data.kind],
            sha256=data.sha256,
        )
    else:
        kle, expected, when = JOURNAL_KLE, None, data.written_at
        entry = Entry(
            entry_id=entry_id(event.envelope.id),
            kind=EntryKind.JOURNAL_NOTE,
            reference=data.note_id,
            title="Journalnotat",
            filed_at=data.written_at,
            party=child,
            text=data.text,
        )
    case, created = await _find_or_create(
        archive, event, kle=kle, child=child, expected=expected, opened_at=when
    )
    filing = await archive.file(municipality=municipality, case=case, entry=entry)
    return DocumentArchived(
        entry=ArchivedEntry.DOCUMENT if expected is not None else ArchivedEntry.JOURNAL_NOTE,
        entry_id=entry.reference,
        kle=kle,
        archive_case_number=case.case_number,
        archive_case_id=str(case.case_id),
        archive_document_id=str(filing.document_id),
        case_created=created,
        expected_case_number_matched=None if expected is None else case.case_number == expected,
        archived_at=dt.datetime.now(dt.UTC),
    )


async def _find_or_create(  # noqa: PLR0913 - the case's identity, its number and its start
    archive: Archive,
    event: Event[Contract],
    *,
    kle: str,
    child: Cpr,
    expected: str | None,
    opened_at: dt.datetime,
) -> tuple[ArchiveCase, bool]:
    """The child's case under ``kle``; created (with ``expected`` as number) when missing.

    ``created`` is also True for a redelivery that finds the case this event created.
    """
    municipality = event.envelope.municipality
    own_id = case_id_for(event.envelope.id)
    found = await archive.find_case(municipality=municipality, kle=kle, party=child)
    if found is not None:
        return found, found.case_id == own_id
    number = expected or f"{kle}-{event.envelope.caseid}"[:50]
    new = NewCase(
        case_id=own_id,
        kle=kle,
        party=child,
        case_number=number,
        title=f"Børnesag {kle}",
        opened_at=opened_at,
    )
    return await archive.create_case(municipality=municipality, case=new), True
