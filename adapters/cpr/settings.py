"""Settings of the CPR adapter: endpoint, TLS files, cache, one InvocationContext per municipality.

A plain pydantic model: the composition root reads it as part of the hub's settings.
"""

from __future__ import annotations

import uuid
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from adapters.soap.settings import ByMunicipality
from hub.runtime.endpoint import EndpointSettings

__all__ = ["SF1520_SERVICE_UUID", "CprSettings", "InvocationContext"]

SF1520_SERVICE_UUID: Final = uuid.UUID("e6be2436-bf35-4df2-83fe-925142825dc2")
"""ServiceUUID of SF1520 PersonBaseDataExtended v4 (the contract's ``service.properties``)."""


class InvocationContext(BaseModel):
    """Who calls Serviceplatformen: the agreement, the calling system, the user, the service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_agreement_uuid: uuid.UUID
    user_system_uuid: uuid.UUID
    user_uuid: uuid.UUID
    service_uuid: uuid.UUID = SF1520_SERVICE_UUID


class CprSettings(EndpointSettings):
    """How to reach the register, and on whose behalf (kommunekode → InvocationContext)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(
        description="Serviceplatformen's base URL, e.g. https://prod.serviceplatformen.dk/"
    )
    path: str = Field(
        default="service/CPR/PersonBaseDataExtended/4",
        description="The service's path below base_url.",
    )
    invocation_contexts: ByMunicipality[InvocationContext] = Field(
        description="One InvocationContext per municipality, keyed by three-digit kommunekode."
    )
    cache_ttl_s: float = Field(
        default=300.0, ge=0, description="How long a found person is cached; 0 disables."
    )
    cache_size: int = Field(default=1024, ge=0, description="At most this many people are cached.")
