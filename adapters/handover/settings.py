"""Settings of the handover component: certificates per municipality, as files.

``own`` holds, for each municipality this hub hands over for, its certificate chain (PEM,
its own certificate first) and its private key; ``peers`` holds every other municipality's
certificate (to encrypt to it and to know it as a sender); ``trusted_cas`` the roots a
sender's chain must end at (the OCES CA in production, a test CA in tests and the demo).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from adapters.handover.keys import Keyring, load_certificates, load_identity
from contracts.types import Kommunekode

__all__ = ["HandoverSettings", "IdentityFiles"]


class IdentityFiles(BaseModel):
    """A municipality's certificate chain and private key, as PEM files."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_file: Path = Field(description="PEM: the municipality's certificate first.")
    key_file: Path = Field(description="PEM: its unencrypted RSA private key.")


class HandoverSettings(BaseModel):
    """The handover component's settings (``CASEHUB_HANDOVER`` as JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    own: dict[Kommunekode, IdentityFiles] = Field(
        min_length=1, description="By kommunekode: the municipalities this hub hands over for."
    )
    peers: dict[Kommunekode, Path] = Field(
        default_factory=dict, description="By kommunekode: other municipalities' certificates."
    )
    trusted_cas: tuple[Path, ...] = Field(
        min_length=1, description="PEM files of the CAs a sender's chain must end at."
    )

    def keyring(self) -> Keyring:
        """The keys and certificates the files hold.

        Raises:
            KeyFileError: a file cannot be used.

        """
        return Keyring(
            own={
                code: load_identity(code, files.certificate_file, files.key_file)
                for code, files in self.own.items()
            },
            peers={code: load_certificates(path)[0] for code, path in self.peers.items()},
            roots=tuple(root for path in self.trusted_cas for root in load_certificates(path)),
        )
