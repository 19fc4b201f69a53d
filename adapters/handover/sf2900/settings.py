"""Settings of the SF2900 transport: Serviceplatformen's service and SFTP, and who we are there.

Serviceplatformen knows an authority by its CVR number, the hub a municipality by its
kommunekode: ``authorities`` maps one to the other, for our municipalities and every
receiver. Each of our municipalities has its own SFTP user and key (its agreement), and the
SFTP server is pinned by its host key.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import Kommunekode
from hub.runtime.endpoint import EndpointSettings

__all__ = ["Sf2900Agreement", "Sf2900Settings", "SftpSettings"]


class SftpSettings(BaseModel):
    """Serviceplatformen's SFTP server, pinned by its host key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(description="The SFTP server's host name.")
    port: int = Field(default=22, gt=0, lt=65536)
    host_key_file: Path = Field(description="Its public host key (OpenSSH format).")
    timeout_s: float = Field(default=30.0, gt=0, description="For one upload, connecting included.")


class Sf2900Agreement(BaseModel):
    """One of our municipalities at Serviceplatformen: its SFTP user and key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sftp_user: str = Field(min_length=1, description="Its SFTP user name.")
    sftp_key_file: Path = Field(description="Its SFTP private key (OpenSSH or PEM, unencrypted).")


class Sf2900Settings(BaseModel):
    """The SF2900 Fordelingskomponent transport (``CASEHUB_HANDOVER``'s ``sf2900``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: EndpointSettings = Field(
        description="Serviceplatformen (mutual TLS with the hub's FOCES certificate in production)."
    )
    path: str = Field(
        default="/service/SP/Distribution/3", description="DistributionService's path."
    )
    sftp: SftpSettings
    agreements: dict[Kommunekode, Sf2900Agreement] = Field(
        min_length=1, description="By kommunekode: each of our municipalities' SFTP user."
    )
    authorities: dict[Kommunekode, str] = Field(
        min_length=1,
        description="Kommunekode to CVR number, for ours and every municipality we hand to.",
    )
    receipt_wait_s: float = Field(
        default=30.0,
        gt=0,
        description="How long one delivery waits for the business receipt before it is retried.",
    )
