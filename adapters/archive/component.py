"""The ESDH archive adapter as one hub component: consumes, settings, build and stand-in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.archive.client import ArchiveClient
from adapters.archive.parties import STORE, CaseParties
from adapters.archive.settings import ArchiveAgreement, ArchiveSettings
from adapters.archive.standin import ArchiveStandin
from adapters.archive.wiring import NAME, build_archiver
from contracts.case import CaseOpened
from contracts.documents import DocumentFiled, JournalNoteAdded
from hub.runtime.component import (
    BuildContext,
    Component,
    ComponentSpec,
    SettingsField,
    Standin,
    StandinContext,
)
from hub.runtime.serve import serving

__all__ = ["COMPONENT"]

_STANDIN_IDS = uuid.UUID("0b0c3a55-6f2e-4d52-9a7e-6c1d9f3e2b10")


def _build(settings: ArchiveSettings, context: BuildContext) -> Component:
    http = settings.http_client()
    archive = ArchiveClient.connect(http, settings)
    parties = CaseParties(context.store(STORE))
    archiver = build_archiver(archive, context.publish, source=context.source, parties=parties)
    return Component(NAME, archiver, close=http.aclose)


@asynccontextmanager
async def _standin(context: StandinContext) -> AsyncIterator[Standin]:
    archive = ArchiveStandin()
    async with serving(archive.asgi()) as url:
        agreements = {
            code: ArchiveAgreement(
                service_agreement_uuid=uuid.uuid5(_STANDIN_IDS, f"archive-agreement/{code}"),
                it_system_uuid=uuid.uuid5(_STANDIN_IDS, "casehub"),
                organisation_uuid=uuid.uuid5(_STANDIN_IDS, f"organisation/{code}"),
                responsible_unit_uuid=uuid.uuid5(_STANDIN_IDS, f"children-and-families/{code}"),
            )
            for code in context.municipalities
        }
        settings = ArchiveSettings(base_url=url, agreements=agreements, timeout_s=5.0)
        yield Standin("ESDH archive (SF1470)", url, archive, settings, archive.set_down)


COMPONENT: ComponentSpec[ArchiveSettings] = ComponentSpec(
    name=NAME,
    # The case's child (whom filings name) comes from CaseOpened.
    consumes=(CaseOpened, DocumentFiled, JournalNoteAdded),
    build=_build,
    settings=SettingsField(
        ArchiveSettings | None, None, "The ESDH archive adapter (SF1470), as JSON; absent: not run."
    ),
    standin=_standin,
    stores=(STORE,),  # the child of each case, in the group's changelog
)
