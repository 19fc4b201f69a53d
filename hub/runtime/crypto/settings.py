"""``CASEHUB_ENCRYPTION``: whether the hub encrypts fields on the bus, and with which keys."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["EncryptionSettings"]


class EncryptionSettings(BaseModel):
    """Field encryption (docs/encryption.md); absent: off, every record travels plain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_dir: Path = Field(
        description="Directory of key files: <kode>/kek-<version>.key and <kode>/subject.key "
        "(0600; made by `casehub keys rotate`)."
    )
    personal: bool = Field(
        default=False,
        description="Encrypt personal fields (CPR numbers, names) too, not only sensitive ones.",
    )
    rescan_s: float = Field(
        default=10.0, gt=0, description="How often the key directory is read again (rotations)."
    )
