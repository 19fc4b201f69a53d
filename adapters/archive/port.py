"""The municipality's case and document archive (ESDH) as the hub needs it, in the hub's words.

Errors an ``Archive`` may raise:

- ``ArchiveUnavailableError`` (``UnavailableError``): no answer (timeout, refused, 5xx, a
  server fault). Retry.
- ``ArchiveRefusedError`` (``AuthorisationError``): the archive refuses our certificate or
  service agreement. Nothing can succeed until people fix it.
- ``ArchiveFaultError`` (``PermanentError``): the archive rejected this request, or answered
  something that does not match the contract.
- ``NoServiceAgreementError`` (``PermanentError``): the hub has no agreement for the
  municipality; nothing was sent.
- ``hub.runtime.xmlsafe.UnsafeXmlError`` (``PermanentError``): the answer carried a DTD or entities.

Messages name the operation and a code, never a person, a title or a note.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from contracts.cpr import Cpr
from hub.runtime.errors import AuthorisationError, PermanentError, UnavailableError

__all__ = [
    "Archive",
    "ArchiveCase",
    "ArchiveFaultError",
    "ArchiveRefusedError",
    "ArchiveUnavailableError",
    "Entry",
    "EntryKind",
    "Filing",
    "NewCase",
    "NoServiceAgreementError",
]


class ArchiveUnavailableError(UnavailableError):
    """The archive did not answer: timeout, connection refused, HTTP 5xx or a server fault."""


class ArchiveRefusedError(AuthorisationError):
    """The archive refused our credentials or service agreement (HTTP 401/403, access fault)."""


class ArchiveFaultError(PermanentError):
    """The archive rejected the request, or its answer does not match the contract."""


class NoServiceAgreementError(PermanentError):
    """No agreement is configured for the municipality; nothing was sent."""


@dataclass(frozen=True, slots=True)
class ArchiveCase:
    """A case in the archive: its UUID, its case number (sagsnummer) and its KLE number."""

    case_id: uuid.UUID
    case_number: str
    kle: str


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case to create for a child (the primary party) under a KLE number.

    ``case_id`` is derived from the causing event's id, so a retried creation is recognised.
    """

    case_id: uuid.UUID
    kle: str
    party: Cpr = field(repr=False)
    case_number: str
    title: str = field(repr=False)
    opened_at: dt.datetime


class EntryKind(StrEnum):
    """What is filed on a case: a document (tilakteret) or a journal note (journalnotat)."""

    DOCUMENT = "document"
    JOURNAL_NOTE = "journal_note"


@dataclass(frozen=True, slots=True)
class Entry:
    """One document or journal note to file on a case.

    ``entry_id`` is derived from the causing event's id: filing it twice is recognised by
    the archive. ``reference`` is the hub's id of the document or note. ``title`` and
    ``text`` are personal: kept out of ``repr``.
    """

    entry_id: uuid.UUID
    kind: EntryKind
    reference: str
    title: str = field(repr=False)
    filed_at: dt.datetime
    party: Cpr = field(repr=False)
    document_type: str | None = None
    sha256: str | None = None
    text: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Filing:
    """The archive's answer to a filing: the document or journal post id it holds.

    ``duplicate`` is True when the archive already had the entry (a redelivery).
    """

    document_id: uuid.UUID
    duplicate: bool


class Archive(Protocol):
    """The municipality's archive: cases by KLE number and party, documents and notes on them."""

    async def find_case(self, *, municipality: str, kle: str, party: Cpr) -> ArchiveCase | None:
        """The open case of ``party`` (primary party) under ``kle``, or None.

        Raises:
            ArchiveUnavailableError: the archive did not answer; try again later.
            ArchiveRefusedError: the archive refused our credentials or agreement.
            ArchiveFaultError: the archive rejected the request or answered off-contract.
            NoServiceAgreementError: no agreement for ``municipality``.

        """
        ...

    async def create_case(self, *, municipality: str, case: NewCase) -> ArchiveCase:
        """Create ``case``; a case with the same ``case_id`` already there is returned as it is.

        Raises:
            ArchiveUnavailableError: the archive did not answer; try again later.
            ArchiveRefusedError: the archive refused our credentials or agreement.
            ArchiveFaultError: the archive rejected the request or answered off-contract.
            NoServiceAgreementError: no agreement for ``municipality``.

        """
        ...

    async def file(self, *, municipality: str, case: ArchiveCase, entry: Entry) -> Filing:
        """File ``entry`` on ``case``; an entry already filed is reported, not filed again.

        Raises:
            ArchiveUnavailableError: the archive did not answer; try again later.
            ArchiveRefusedError: the archive refused our credentials or agreement.
            ArchiveFaultError: the archive rejected the request or answered off-contract.
            NoServiceAgreementError: no agreement for ``municipality``.

        """
        ...
