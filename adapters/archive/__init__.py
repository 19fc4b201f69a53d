"""Archive: the municipality's ESDH through SF1470 SagDokumentIndeks, behind a small port."""

from adapters.archive.client import ArchiveClient, archive_http_client
from adapters.archive.parties import CaseParties, InMemoryCaseParties, SqliteCaseParties
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
from adapters.archive.standin import Failure, InMemoryArchive, OperationFailure, SoapStandin
from adapters.archive.wiring import EVENT_TYPES, NAME, CasePartyUnknownError, build_archiver

__all__ = [
    "EVENT_TYPES",
    "NAME",
    "Archive",
    "ArchiveAgreement",
    "ArchiveCase",
    "ArchiveClient",
    "ArchiveFaultError",
    "ArchiveRefusedError",
    "ArchiveSettings",
    "ArchiveUnavailableError",
    "CaseParties",
    "CasePartyUnknownError",
    "Entry",
    "EntryKind",
    "Failure",
    "Filing",
    "InMemoryArchive",
    "InMemoryCaseParties",
    "NewCase",
    "NoServiceAgreementError",
    "OperationFailure",
    "SoapStandin",
    "SqliteCaseParties",
    "archive_http_client",
    "build_archiver",
]
