"""Archive: the municipality's ESDH through SF1470 SagDokumentIndeks, behind a small port."""

from adapters.archive.client import ArchiveClient
from adapters.archive.component import COMPONENT
from adapters.archive.parties import CaseParties
from adapters.archive.port import (
    Archive,
    ArchiveCase,
    ArchiveFaultError,
    ArchiveRefusedError,
    ArchiveUnavailableError,
    Entry,
    EntryKind,
    Filing,
    NewCase,
    NoServiceAgreementError,
)
from adapters.archive.settings import ArchiveAgreement, ArchiveSettings
from adapters.archive.standin import ArchiveStandin, Failure, InMemoryArchive, OperationFailure
from adapters.archive.wiring import NAME, CasePartyUnknownError, build_archiver

__all__ = [
    "COMPONENT",
    "NAME",
    "Archive",
    "ArchiveAgreement",
    "ArchiveCase",
    "ArchiveClient",
    "ArchiveFaultError",
    "ArchiveRefusedError",
    "ArchiveSettings",
    "ArchiveStandin",
    "ArchiveUnavailableError",
    "CaseParties",
    "CasePartyUnknownError",
    "Entry",
    "EntryKind",
    "Failure",
    "Filing",
    "InMemoryArchive",
    "NewCase",
    "NoServiceAgreementError",
    "OperationFailure",
    "build_archiver",
]
