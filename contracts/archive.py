"""Archive: the case material's archival version (arkiveringsversion) for Rigsarkivet.

When data leaves administrative use it is delivered before deletion as a folder
``AVID.<ARK>.<n>.<m>`` (BKG 1007 / BKG 128) with an MD5 checksum per file.

``ArchivePackageBuilt`` v2 corrects the folder name's pattern to Rigsarkivet's
(``fileIndex.xsd``'s ``folderNameType``: an archive code of 2-4 letters, Æ, Ø and Å among
them, then a serial and a media number ``[1-9][0-9]*``, no leading zero and no length
limit). v1 took ``AVID.SA.0.0`` and refused 7-digit serials; it stays as published, for
replay. The compatibility gate exempts exactly that pattern (``compat.PATTERN_FIXES``).

``ArchivePackageBuilt`` v3 adds where the version is, its media count and what it holds
(cases, documents, pages); each is optional, so every v2 record reads as v3.
``CaseArchived``, one per case (the envelope's case id), records the version a case is in
and the MD5 of that version's ``fileIndex.xml``: what the erasure step reads to release
the archived cases. Nothing is deleted by it.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.guards import Timestamp
from contracts.types import RecordId

__all__ = [
    "AVID_PATTERN",
    "ArchivePackageBuilt",
    "ArchivePackageBuiltV2",
    "ArchivePackageBuiltV3",
    "ArchiveRequested",
    "CaseArchived",
]

AVID_PATTERN = r"^AVID\.[A-ZÆØÅ]{2,4}\.[1-9][0-9]*\.[1-9][0-9]*$"
"""An archival version's folder name, as Rigsarkivet's ``fileIndex.xsd`` writes it."""


class ArchiveRequested(Contract):
    """An archival version has been requested for a period of the municipality's cases."""

    event_type: ClassVar[str] = "dk.casehub.archive.requested"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "archive"

    archive_id: RecordId = classified("The archive job's id.", C.INTERNAL)
    period_start: dt.date = classified("First day of the material included.", C.INTERNAL)
    period_end: dt.date = classified("Last day of the material included.", C.INTERNAL)
    requested_by: RecordId = classified("Who requested it (an employee id).", C.INTERNAL)


class ArchivePackageBuilt(Contract):
    """An archival version's folder has been built and checked; it holds no payload here."""

    event_type: ClassVar[str] = "dk.casehub.archive.package-built"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "archive"

    archive_id: RecordId = classified("The archive job.", C.INTERNAL)
    avid: str = classified(
        "The package's folder name, AVID.<ARK>.<n>.<m>.",
        C.INTERNAL,
        pattern=r"^AVID\.[A-Z]{2,4}\.\d{1,6}\.\d{1,3}$",
    )
    built_at: Timestamp = classified("When the build finished.", C.INTERNAL)
    files: int = classified("Number of files in the package.", C.INTERNAL, ge=0)
    size_bytes: int = classified("Total size in bytes.", C.INTERNAL, ge=0)
    md5_of_indices: str = classified(
        "MD5 of the package's fileIndex.xml, hex.", C.INTERNAL, pattern=r"^[0-9a-f]{32}$"
    )


class ArchivePackageBuiltV2(ArchivePackageBuilt):
    """An archival version's folder has been built and checked; it holds no payload here.

    v2: ``avid`` follows Rigsarkivet's folder name exactly.
    """

    event_version: ClassVar[int] = 2

    avid: str = classified(
        "The package's folder name, AVID.<ARK>.<n>.<m> (Rigsarkivet's fileIndex.xsd).",
        C.INTERNAL,
        pattern=AVID_PATTERN,
    )


class ArchivePackageBuiltV3(ArchivePackageBuiltV2):
    """An archival version's folder has been built and checked; it holds no payload here.

    v3: where it is, its media count and its counts; absent in a v2 record.
    """

    event_version: ClassVar[int] = 3

    location: str | None = classified(
        "Where the version's folder was written (a path on the builder's disk or share).",
        C.INTERNAL,
        default=None,
        min_length=1,
        max_length=1000,
    )
    media_count: int | None = classified(
        "How many media (AVID.<ARK>.<n>.1 ... .<m>) the version has.",
        C.INTERNAL,
        default=None,
        ge=1,
    )
    cases: int | None = classified("Cases in the version.", C.INTERNAL, default=None, ge=0)
    documents: int | None = classified(
        "Documents in the version (docIndex entries).", C.INTERNAL, default=None, ge=0
    )
    pages: int | None = classified("TIFF pages of its documents.", C.INTERNAL, default=None, ge=0)


class CaseArchived(Contract):
    """The case (the envelope's case id) is in a built archival version.

    Recorded so the erasure step can release the case once the version is delivered: the
    version's id and the MD5 of its ``fileIndex.xml`` name exactly what was archived.
    """

    event_type: ClassVar[str] = "dk.casehub.archive.case-archived"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "archive"

    archive_id: RecordId = classified("The archive job (ArchiveRequested).", C.INTERNAL)
    avid: str = classified(
        "The version's folder name, AVID.<ARK>.<n>.<m>.", C.INTERNAL, pattern=AVID_PATTERN
    )
    package_id: str = classified(
        "The version's id (archiveInformationPackageID: the folder name without the media).",
        C.INTERNAL,
        pattern=r"^AVID\.[A-ZÆØÅ]{2,4}\.[1-9][0-9]*$",
    )
    md5_of_indices: str = classified(
        "MD5 of the version's fileIndex.xml, hex.", C.INTERNAL, pattern=r"^[0-9a-f]{32}$"
    )
    archived_at: Timestamp = classified("When the version was built.", C.INTERNAL)
