"""Rigsarkivet: the case history's archival version (arkiveringsversion, BKG 1007 / BKG 128)."""

from adapters.rigsarkivet.build import BuildFailedError, Built, build_version
from adapters.rigsarkivet.component import COMPONENT, NAME
from adapters.rigsarkivet.history import BadItem, DocumentSource, Fetched
from adapters.rigsarkivet.indices import ArchiveDescription
from adapters.rigsarkivet.sample import SampleDocuments, sample_history
from adapters.rigsarkivet.tiff import UnrenderableDocumentError
from adapters.rigsarkivet.writer import (
    BuildUnderWayError,
    Finished,
    MissingStandardSchemaError,
    VersionExistsError,
)

__all__ = [
    "COMPONENT",
    "NAME",
    "ArchiveDescription",
    "BadItem",
    "BuildFailedError",
    "BuildUnderWayError",
    "Built",
    "DocumentSource",
    "Fetched",
    "Finished",
    "MissingStandardSchemaError",
    "SampleDocuments",
    "UnrenderableDocumentError",
    "VersionExistsError",
    "build_version",
    "sample_history",
]
