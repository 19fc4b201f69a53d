"""The national services' stand-ins, together on loopback ports: ``casehub standins``.

The CPR register (SOAP, SF1520) over the synthetic population, Digital Post (SF1601 with
MeMo 1.2, receipts later), the ESDH archive (SOAP, SF1470), and the receivers of Danmarks
Statistik and Ankestyrelsen. The father of the demo family has no Digital Post, so his
letters go to print. Used by ``make demo``, the end-to-end tests and vendors; every person
is synthetic (CPR day + 60).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from adapters.appeals.standin import AnkeStandIn
from adapters.archive import ArchiveAgreement, ArchiveSettings
from adapters.archive import SoapStandin as ArchiveStandin
from adapters.cpr import CprSettings, InvocationContext, SoapStandin
from adapters.digitalpost.settings import DigitalPostSettings
from adapters.digitalpost.standin import Reach, Sf1601StandIn
from adapters.statistics.standin import DstStandIn
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving

__all__ = ["RunningStandins", "running_standins"]

_NAMESPACE = uuid.UUID("0b0c3a55-6f2e-4d52-9a7e-6c1d9f3e2b10")


@dataclass
class RunningStandins:
    """The running stand-ins, their URLs, and the adapter settings that reach them."""

    cpr: SoapStandin
    digitalpost: Sf1601StandIn
    statistics: DstStandIn
    appeals: AnkeStandIn
    archive: ArchiveStandin
    cpr_url: str
    digitalpost_url: str
    statistics_url: str
    appeals_url: str
    archive_url: str
    municipalities: tuple[str, ...]

    @property
    def cpr_settings(self) -> CprSettings:
        """CPR adapter settings for these municipalities, against the stand-in."""
        contexts = {
            code: InvocationContext(
                service_agreement_uuid=uuid.uuid5(_NAMESPACE, f"agreement/{code}"),
                user_system_uuid=uuid.uuid5(_NAMESPACE, "casehub"),
                user_uuid=uuid.uuid5(_NAMESPACE, f"user/{code}"),
            )
            for code in self.municipalities
        }
        return CprSettings(base_url=self.cpr_url, invocation_contexts=contexts, timeout_s=5.0)

    @property
    def archive_settings(self) -> ArchiveSettings:
        """ESDH archive adapter settings for these municipalities, against the stand-in."""
        agreements = {
            code: ArchiveAgreement(
                service_agreement_uuid=uuid.uuid5(_NAMESPACE, f"archive-agreement/{code}"),
                it_system_uuid=uuid.uuid5(_NAMESPACE, "casehub"),
                organisation_uuid=uuid.uuid5(_NAMESPACE, f"organisation/{code}"),
                responsible_unit_uuid=uuid.uuid5(_NAMESPACE, f"children-and-families/{code}"),
            )
            for code in self.municipalities
        }
        return ArchiveSettings(base_url=self.archive_url, agreements=agreements, timeout_s=5.0)

    @property
    def statistics_settings(self) -> EndpointSettings:
        """The Danmarks Statistik adapter's endpoint: the stand-in."""
        return EndpointSettings(base_url=self.statistics_url, timeout_s=5.0)

    @property
    def appeals_settings(self) -> EndpointSettings:
        """The Ankestyrelsen adapter's endpoint: the stand-in."""
        return EndpointSettings(base_url=self.appeals_url, timeout_s=5.0)

    @property
    def digitalpost_settings(self) -> DigitalPostSettings:
        """Digital Post adapter settings against the stand-in (receipts read every second)."""
        return DigitalPostSettings(
            base_url=self.digitalpost_url,
            sender_cvr="29189617",
            sender_label="Kommunen (stand-in)",
            timeout_s=5.0,
            receipt_poll_s=1.0,
        )


@asynccontextmanager
async def running_standins(
    municipalities: Iterable[str] = ("101",),
) -> AsyncIterator[RunningStandins]:
    """Serve the stand-ins until the block ends."""
    cpr = SoapStandin()
    people = cpr.population
    reach = {person.reveal(): Reach.DIGITAL for person in (people.child, people.mother)}
    reach[people.father.reveal()] = Reach.PRINT_ONLY
    digitalpost = Sf1601StandIn(reach)
    statistics, appeals, archive = DstStandIn(), AnkeStandIn(), ArchiveStandin()
    async with AsyncExitStack() as stack:
        cpr_url = await stack.enter_async_context(serving(cpr.app()))
        post_url = await stack.enter_async_context(serving(digitalpost.asgi()))
        dst_url = await stack.enter_async_context(serving(statistics.asgi()))
        anke_url = await stack.enter_async_context(serving(appeals.asgi()))
        archive_url = await stack.enter_async_context(serving(archive.app()))
        yield RunningStandins(
            cpr, digitalpost, statistics, appeals, archive,
            cpr_url, post_url, dst_url, anke_url, archive_url, tuple(municipalities),
        )  # fmt: skip
