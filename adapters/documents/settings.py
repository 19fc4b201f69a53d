"""Settings of the document port: which store, where, and how large an upload may be.

A plain pydantic model: the composition root reads it as part of the hub's settings
(for example ``CASEHUB_DOCUMENTS='{"kind": "s3", "s3": {...}}'``). Credentials are read
from files at startup, never written in the settings themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from contracts.documents import MAX_DOCUMENT_BYTES

__all__ = ["DocumentStoreSettings", "S3Settings"]


class S3Settings(BaseModel):
    """An S3-compatible service: endpoint, bucket, region and where the credentials are.

    Without credential files, botocore's own chain applies (environment, instance role).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: str | None = Field(
        default=None, description="The service's URL; absent means AWS S3 in `region`."
    )
    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+[a-z0-9]$")
    region: str = Field(default="eu-north-1", min_length=1)
    access_key_id_file: Path | None = Field(
        default=None, description="A file holding the access key id (one line)."
    )
    secret_access_key_file: Path | None = Field(
        default=None, description="A file holding the secret access key (one line)."
    )
    addressing_style: Literal["path", "virtual", "auto"] = Field(
        default="path", description="`path` for most S3-compatible services."
    )
    timeout_s: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries per call, the first one included."
    )

    @model_validator(mode="after")
    def _both_or_neither(self) -> S3Settings:
        if (self.access_key_id_file is None) != (self.secret_access_key_file is None):
            msg = "give both access_key_id_file and secret_access_key_file, or neither"
            raise ValueError(msg)
        return self

    def credentials(self) -> tuple[SecretStr | None, SecretStr | None]:
        """The access key id and secret, read from their files now (none: botocore's chain).

        Raises:
            OSError: a credential file cannot be read (the hub does not start).

        """
        if self.access_key_id_file is None or self.secret_access_key_file is None:
            return None, None
        return (
            SecretStr(self.access_key_id_file.read_text(encoding="utf-8").strip()),
            SecretStr(self.secret_access_key_file.read_text(encoding="utf-8").strip()),
        )


class DocumentStoreSettings(BaseModel):
    """Which document store the hub uses, and the upload limit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["local", "s3"] = Field(
        default="local", description="`local`: a directory; `s3`: an S3-compatible service."
    )
    directory: Path | None = Field(
        default=None,
        description="The local store's directory; absent means `<state dir>/documents`.",
    )
    s3: S3Settings | None = Field(default=None, description="The S3 store, for kind `s3`.")
    max_upload_bytes: int = Field(default=MAX_DOCUMENT_BYTES, ge=1, le=MAX_DOCUMENT_BYTES)

    @model_validator(mode="after")
    def _s3_named(self) -> DocumentStoreSettings:
        if self.kind == "s3" and self.s3 is None:
            msg = "kind s3 needs the s3 settings"
            raise ValueError(msg)
        return self
