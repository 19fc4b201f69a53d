"""Settings of the archive adapter: endpoint, TLS files, and the ids of each municipality.

A plain pydantic model: the composition root reads it as part of the hub's settings.
"""

from __future__ import annotations

import uuid
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from adapters.soap.settings import ByMunicipality
from hub.runtime.endpoint import EndpointSettings

__all__ = ["SF1470_SERVICE_UUID", "ArchiveAgreement", "ArchiveSettings"]

SF1470_SERVICE_UUID: Final = uuid.UUID("b4a2e912-f2e8-11e8-8eb2-f2801f1b9fd1")
"""ServiceUUID of SF1470 SagDokumentIndeks (the contract's ``service.properties``)."""


class ArchiveAgreement(BaseModel):
    """Who files on a municipality's behalf: its agreement, organisation, unit and IT system.

    ``it_system_uuid`` is the hub's IT-system instance in the administration module: it is
    the ``BrugerRef`` and ``AktoerRef`` of everything the hub files.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_agreement_uuid: uuid.UUID
    it_system_uuid: uuid.UUID
    organisation_uuid: uuid.UUID = Field(description="The municipality (case owner, Ejer).")
    responsible_unit_uuid: uuid.UUID = Field(
        description="The organisational unit responsible for child-welfare cases (Ansvarlig)."
    )
    service_uuid: uuid.UUID = SF1470_SERVICE_UUID
    endpoint: str | None = Field(
        default=None,
        description="The municipality's own archive endpoint (absolute URL), if any.",
    )


class ArchiveSettings(EndpointSettings):
    """How to reach the archive, and on whose behalf (kommunekode → ArchiveAgreement)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="The archive's base URL, e.g. https://sagdok.example.dk/")
    path: str = Field(
        default="sts-soap-sagdok/sagdokumentindeks/6",
        description="The service's path below base_url.",
    )
    agreements: ByMunicipality[ArchiveAgreement] = Field(
        description="One agreement per municipality, keyed by three-digit kommunekode."
    )
