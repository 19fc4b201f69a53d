"""Settings of the Digital Post adapter: endpoint, senders per municipality, token, TLS, polling.

``sender_cvr``/``sender_label`` are the default sender; ``senders`` gives a municipality
its own (its CVR number is its service agreement with Serviceplatformen, so it gets its own
access token), with its own client certificate where one is given.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from adapters.digitalpost.letter import Sender
from contracts.types import Kommunekode
from hub.runtime.endpoint import EndpointSettings

__all__ = ["DigitalPostSettings", "MunicipalitySender"]


class MunicipalitySender(BaseModel):
    """One municipality's sender: CVR number, label, and (optionally) its own certificate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cvr: str = Field(pattern=r"^\d{8}$", description="The municipality's CVR number (8 digits).")
    label: str = Field(min_length=1, max_length=100, description="Sender name shown.")
    cert_file: Path | None = Field(default=None, description="Its own client certificate (PEM).")
    key_file: Path | None = Field(default=None, description="The certificate's key (PEM).")

    @model_validator(mode="after")
    def _cert_with_key(self) -> MunicipalitySender:
        if (self.cert_file is None) != (self.key_file is None):
            msg = "cert_file and key_file go together"
            raise ValueError(msg)
        return self


class DigitalPostSettings(EndpointSettings):
    """How to reach SF1601 and its token service, and who the letters are from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="Serviceplatformen's base URL (SF1601, access tokens).")
    sts_url: str | None = Field(
        default=None,
        description="The STS base URL (adgangsstyring…); absent: base_url (the stand-in).",
    )
    sender_cvr: str = Field(pattern=r"^\d{8}$", description="The default sender's CVR number.")
    sender_label: str = Field(min_length=1, max_length=100, description="Sender name shown.")
    senders: dict[Kommunekode, MunicipalitySender] = Field(
        default_factory=dict, description="A municipality's own sender, by kommunekode."
    )
    token_margin_s: float = Field(
        default=60.0, gt=0, description="Renew an access token this long before it expires."
    )
    receipt_poll_s: float = Field(default=5.0, gt=0, description="How often receipts are read.")

    @property
    def sender(self) -> Sender:
        """The default sender (municipalities not in ``senders``)."""
        return Sender(cvr=self.sender_cvr, label=self.sender_label)

    def sender_for(self, municipality: str) -> Sender:
        """The sender of a municipality's letters: its own, else the default."""
        own = self.senders.get(municipality)
        return self.sender if own is None else Sender(cvr=own.cvr, label=own.label)

    def own_certificates(self) -> dict[str, tuple[Path, Path]]:
        """Certificate and key files by CVR, for the senders that have their own."""
        return {
            own.cvr: (own.cert_file, own.key_file)
            for own in self.senders.values()
            if own.cert_file is not None and own.key_file is not None
        }

    def http_client_with(self, base_url: str, cert: tuple[Path, Path] | None) -> httpx.AsyncClient:
        """A client for ``base_url`` presenting ``cert`` (else the adapter's own certificate)."""
        if cert is None:
            return self.model_copy(update={"base_url": base_url}).http_client()
        update = {"base_url": base_url, "cert_file": cert[0], "key_file": cert[1]}
        return self.model_copy(update=update).http_client()
