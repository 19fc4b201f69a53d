"""Settings of the Digital Post adapter: endpoint, sender, TLS files, receipt polling."""

from __future__ import annotations

from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict, Field

from adapters.digitalpost.letter import Sender
from hub.runtime.endpoint import EndpointSettings

__all__ = ["DigitalPostSettings"]


class DigitalPostSettings(BaseModel):
    """How to reach SF1601 and who the letters are from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="Serviceplatformen's base URL for SF1601.")
    sender_cvr: str = Field(pattern=r"^\d{8}$", description="The municipality's CVR number.")
    sender_label: str = Field(min_length=1, max_length=100, description="Sender name shown.")
    timeout_s: float = Field(default=10.0, gt=0)
    receipt_poll_s: float = Field(default=5.0, gt=0, description="How often receipts are read.")
    cert_file: Path | None = Field(default=None, description="Client certificate (PEM).")
    key_file: Path | None = Field(default=None, description="The certificate's key (PEM).")
    ca_file: Path | None = Field(default=None, description="CA bundle of the service.")

    @property
    def sender(self) -> Sender:
        """The letters' sender."""
        return Sender(cvr=self.sender_cvr, label=self.sender_label)

    def http_client(self) -> httpx.AsyncClient:
        """Base URL, timeout and (with cert files) mutual TLS."""
        endpoint = EndpointSettings(
            base_url=self.base_url,
            timeout_s=self.timeout_s,
            cert_file=self.cert_file,
            key_file=self.key_file,
            ca_file=self.ca_file,
        )
        return endpoint.http_client()
