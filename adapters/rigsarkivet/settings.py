"""The archival version's settings (``CASEHUB_RIGSARKIVET``, JSON)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from adapters.documents.settings import DocumentStoreSettings

__all__ = ["RigsarkivetSettings"]


class RigsarkivetSettings(BaseModel):
    """Where versions are written, the official schemas, the package id and the creator."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    out: Path = Field(description="The folder versions are written into (one AVID folder each).")
    standard_schemas: Path = Field(
        description="Rigsarkivet's official XSDs, copied into each version's Schemas/standard/."
    )
    package_id: str = Field(
        pattern=r"^AVID\.[A-ZÆØÅ]{2,4}\.[1-9][0-9]*$",
        description="The id the archive assigned (AVID.<ARK>.<serial>); the folder adds .1.",
    )
    creator: str = Field(min_length=1, max_length=200, description="The archive creator's name.")
    documents: DocumentStoreSettings = Field(
        default_factory=DocumentStoreSettings,
        description="The hub's document store, as the documents component has it.",
    )
