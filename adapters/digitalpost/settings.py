"""Settings of the Digital Post adapter: endpoint, sender, TLS files, receipt polling."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from adapters.digitalpost.letter import Sender
from hub.runtime.endpoint import EndpointSettings

__all__ = ["DigitalPostSettings"]


class DigitalPostSettings(EndpointSettings):
    """How to reach SF1601 and who the letters are from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="Serviceplatformen's base URL for SF1601.")
    sender_cvr: str = Field(pattern=r"^\d{8}$", description="The municipality's CVR number.")
    sender_label: str = Field(min_length=1, max_length=100, description="Sender name shown.")
    receipt_poll_s: float = Field(default=5.0, gt=0, description="How often receipts are read.")

    @property
    def sender(self) -> Sender:
        """The letters' sender."""
        return Sender(cvr=self.sender_cvr, label=self.sender_label)
