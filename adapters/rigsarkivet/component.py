"""The archival version as a component: ``ArchiveRequested`` in, ``ArchivePackageBuilt`` out.

The request names the period; the version is built from the municipality's topics and the
document store, and ``ArchivePackageBuiltV2`` records where it is, its size and the MD5 of
its ``fileIndex.xml`` (what the erasure step needs to release the archived cases). A bad
item fails the request (``BuildFailedError``, permanent: quarantined with its list).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import cast

import structlog

from adapters.documents.component import OpenedStore
from adapters.documents.factory import open_document_store
from adapters.rigsarkivet.commands import archive
from adapters.rigsarkivet.indices import ArchiveDescription
from adapters.rigsarkivet.run import build_from_topics
from adapters.rigsarkivet.settings import RigsarkivetSettings
from contracts.archive import ArchivePackageBuiltV2, ArchiveRequested
from contracts.base import Contract
from contracts.envelope import Event, follow_up
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "NAME"]

NAME = "rigsarkivet"
log = structlog.get_logger(__name__)


def _build(settings: RigsarkivetSettings, context: BuildContext) -> Component:
    opened = OpenedStore()

    async def answer(event: Event[Contract]) -> None:
        request = cast("ArchiveRequested", event.data)  # the only type it consumes
        about = ArchiveDescription(
            f"{settings.package_id}.1",
            settings.creator,
            request.period_start,
            request.period_end,
        )
        built = await build_from_topics(
            context.kafka,
            event.envelope.municipality,
            about,
            opened,
            settings.out,
            settings.standard_schemas,
        )
        version = built.version
        done = ArchivePackageBuiltV2(
            archive_id=request.archive_id,
            avid=version.avid,
            built_at=dt.datetime.now(dt.UTC),
            files=version.files,
            size_bytes=version.size_bytes,
            md5_of_indices=version.file_index_md5,
        )
        await context.publish(follow_up(event, done, source=context.source))
        log.info(
            "archive_version_built",
            archive_id=request.archive_id,
            avid=version.avid,
            cases=built.cases,
            documents=built.documents,
            pages=built.pages,
        )

    async def keep_open() -> None:
        async with open_document_store(
            settings.documents, state_dir=context.state_dir, municipalities=context.municipalities
        ) as store:
            opened.store = store
            try:
                await asyncio.Event().wait()  # until the hub stops and cancels it
            finally:
                opened.store = None

    return Component(NAME, answer, background=keep_open)


COMPONENT: ComponentSpec[RigsarkivetSettings] = ComponentSpec(
    name=NAME,
    consumes=(ArchiveRequested,),
    build=_build,
    settings=SettingsField(
        RigsarkivetSettings | None,
        None,
        "Where archival versions for Rigsarkivet are written, the official XSDs' folder, "
        "the package id and the creator, as JSON; absent: not run.",
    ),
    commands=(archive,),
)
