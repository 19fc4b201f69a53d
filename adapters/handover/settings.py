"""Settings of the handover component: certificates per municipality, as files.

``own`` holds, for each municipality this hub hands over for, its certificate chain (PEM,
its own certificate first) and its private key; ``peers`` holds every other municipality's
certificate (to encrypt to it and to know it as a sender); ``trusted_cas`` the roots a
sender's chain must end at (the OCES CA in production, a test CA in tests and the demo).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from adapters.cpr.settings import CprSettings
from adapters.handover.keys import Keyring, load_certificates, load_identity
from adapters.handover.sf2900.settings import Sf2900Settings
from contracts.types import Kommunekode
from hub.runtime.endpoint import EndpointSettings

__all__ = ["HandoverSettings", "IdentityFiles", "PeerSettings"]


class IdentityFiles(BaseModel):
    """A municipality's certificate chain and private key, as PEM files."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_file: Path = Field(description="PEM: the municipality's certificate first.")
    key_file: Path = Field(description="PEM: its unencrypted RSA private key.")


class PeerSettings(BaseModel):
    """Another municipality: its certificate, and where its hub takes packages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_file: Path = Field(description="PEM: the municipality's certificate.")
    endpoint: EndpointSettings | None = Field(
        default=None,
        description="Its hub's reception (hub-to-hub transport); absent: we only receive.",
    )


class HandoverSettings(BaseModel):
    """The handover component's settings (``CASEHUB_HANDOVER`` as JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    own: dict[Kommunekode, IdentityFiles] = Field(
        min_length=1, description="By kommunekode: the municipalities this hub hands over for."
    )
    peers: dict[Kommunekode, PeerSettings] = Field(
        default_factory=dict, description="By kommunekode: other municipalities' certificates."
    )
    trusted_cas: tuple[Path, ...] = Field(
        min_length=1, description="PEM files of the CAs a sender's chain must end at."
    )
    cpr: CprSettings | None = Field(
        default=None,
        description="The CPR register (SF1520) to read the parties from; absent: the child's "
        "CPR number alone.",
    )
    sf2900: Sf2900Settings | None = Field(
        default=None,
        description="Deliver over SF2900 (Serviceplatformen's Fordelingskomponent) instead of "
        "hub to hub; absent: each peer's endpoint.",
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
            peers={
                code: load_certificates(peer.certificate_file)[0]
                for code, peer in self.peers.items()
            },
            roots=tuple(root for path in self.trusted_cas for root in load_certificates(path)),
        )
