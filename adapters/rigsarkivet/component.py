"""The archival version as a component: ``ArchiveRequested`` in, ``ArchivePackageBuilt`` out.

The request names the period; the version is built from the municipality's topics and the
document store. Then one ``CaseArchived`` per case records the version's id and the MD5 of
its ``fileIndex.xml`` on the municipality's ``archive`` topic, keyed by the case, where the
erasure step reads what it may release; last, ``ArchivePackageBuiltV3`` says where the
version is, its media count, size, MD5 and counts. A bad item fails the request
(``BuildFailedError``, permanent: quarantined with its list). Every event's id follows from
the request's, so a redelivered request's events are recognisable duplicates.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import cast

import structlog

from adapters.documents.component import OpenedStore
from adapters.documents.factory import open_document_store
from adapters.rigsarkivet.build import Built
from adapters.rigsarkivet.commands import archive
from adapters.rigsarkivet.indices import ArchiveDescription
from adapters.rigsarkivet.reader import decode_plain, opening
from adapters.rigsarkivet.run import build_from_topics
from adapters.rigsarkivet.settings import RigsarkivetSettings
from contracts.archive import ArchivePackageBuiltV3, ArchiveRequested, CaseArchived
from contracts.base import Contract
from contracts.envelope import Event, follow_up, follow_up_id, new_event
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "NAME"]

NAME = "rigsarkivet"
log = structlog.get_logger(__name__)


def _build(settings: RigsarkivetSettings, context: BuildContext) -> Component:
    opened = OpenedStore()
    # With field encryption on, the history's sealed fields are opened at the edge.
    decode = decode_plain if context.data_keys is None else opening(context.data_keys)

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
            decode=decode,
        )
        at = dt.datetime.now(dt.UTC)
        for archived in _case_archived(event, request, built, at, context.source):
            await context.publish(archived)
        version = built.version
        done = ArchivePackageBuiltV3(
            archive_id=request.archive_id,
            avid=version.avid,
            built_at=at,
            files=version.files,
            size_bytes=version.size_bytes,
            md5_of_indices=version.file_index_md5,
            location=str(version.path),
            media_count=1,  # one medium: the writer does not split a version across media
            cases=built.cases,
            documents=built.documents,
            pages=built.pages,
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


def _case_archived(
    event: Event[Contract],
    request: ArchiveRequested,
    built: Built,
    at: dt.datetime,
    source: str,
) -> list[Event[CaseArchived]]:
    version = built.version
    package_id = version.avid.rsplit(".", 1)[0]
    return [
        new_event(
            CaseArchived(
                archive_id=request.archive_id,
                avid=version.avid,
                package_id=package_id,
                md5_of_indices=version.file_index_md5,
                archived_at=at,
            ),
            source=source,
            municipality=event.envelope.municipality,
            case_id=case_id,
            event_id=follow_up_id(f"{event.envelope.id}/{case_id}", CaseArchived.event_type),
            correlation_id=event.envelope.correlationid,
            causation_id=event.envelope.id,
        )
        for case_id in sorted(built.case_ids)
    ]


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
