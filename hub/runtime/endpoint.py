"""Settings of an HTTP endpoint an adapter calls: base URL, timeout, mutual TLS."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.runtime.metrics.calls import event_hooks
from hub.runtime.tls import client_ssl_context

__all__ = ["EndpointSettings"]


class EndpointSettings(BaseModel):
    """Where a service answers and how to reach it; every adapter's settings extend it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="The service's base URL.")
    timeout_s: float = Field(default=10.0, gt=0)
    cert_file: Path | None = Field(default=None, description="Client certificate (PEM).")
    key_file: Path | None = Field(default=None, description="The certificate's key (PEM).")
    ca_file: Path | None = Field(default=None, description="CA bundle of the service.")

    @model_validator(mode="after")
    def _cert_with_key(self) -> EndpointSettings:
        """A client certificate comes with its key, or neither is given."""
        if (self.cert_file is None) != (self.key_file is None):
            msg = "cert_file and key_file go together"
            raise ValueError(msg)
        return self

    def http_client(self) -> httpx.AsyncClient:
        """Base URL, timeout, (with cert files) mutual TLS; its calls timed (metrics)."""
        verify: ssl.SSLContext | bool = True
        if self.cert_file is not None and self.key_file is not None:
            verify = client_ssl_context(self.cert_file, self.key_file, self.ca_file)
        elif self.ca_file is not None:
            verify = ssl.create_default_context(cafile=str(self.ca_file))
        return httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self.timeout_s,
            verify=verify,
            event_hooks=event_hooks(),
        )
