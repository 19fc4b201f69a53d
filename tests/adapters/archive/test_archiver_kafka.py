"""The archiver in the hub on the real broker, filing through the SF1470 stand-in on loopback."""

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from adapters.archive import (
    NAME,
    ArchiveClient,
    ArchiveSettings,
    ArchiveStandin,
    InMemoryCaseParties,
    build_archiver,
)
from contracts.binding import from_kafka, to_kafka
from contracts.documents import DocumentArchived
from hub.compose.app import Component, create_app
from hub.runtime.serve import serving
from routing.topics import topic
from tests.adapters.archive.events import case_opened, document_filed
from tests.adapters.archive.helpers import agreement
from tests.kafka import WITHIN_S, produce, wait_for_records, wait_until_consumed

pytestmark = pytest.mark.kafka


def header(record, name):
    return dict(record.headers).get(name, b"").decode()


async def send(bootstrap, event):
    record = to_kafka(event)
    await produce(
        bootstrap,
        topic(event.data.domain, event.envelope.municipality),
        record.value,
        key=record.key,
        headers=record.headers,
    )


async def test_document_filed_is_archived_once_and_answered(hub_settings):
    municipality = hub_settings.municipalities[0]
    bootstrap = hub_settings.bootstrap_servers
    settings = hub_settings
    standin = ArchiveStandin()
    opened = case_opened(municipality, "C-archive-1")
    filed = document_filed(municipality, "C-archive-1")
    async with serving(standin.asgi()) as url, httpx.AsyncClient(base_url=url) as http:
        client = ArchiveClient.connect(
            http, ArchiveSettings(base_url=url, agreements={municipality: agreement()})
        )
        apps: list[Starlette] = []

        async def publish(event):
            return await apps[0].state.events.publish(event)

        parties = InMemoryCaseParties()
        handler = build_archiver(client, publish, source="urn:casehub:archive", parties=parties)
        app = create_app(settings, extra=[Component(NAME, handler)])
        apps.append(app)
        async with serving(app):
            await send(bootstrap, opened)
            # The case first: a document whose CaseOpened is not handled yet is retried, and
            # on a loaded machine (new topics still electing leaders) retried into quarantine.
            async with asyncio.timeout(WITHIN_S):
                while await parties.child_of(municipality, "C-archive-1") is None:
                    await asyncio.sleep(0.05)
            await send(bootstrap, filed)
            await send(bootstrap, filed)  # a redelivery: recognised, nothing filed twice
            await wait_for_records(
                bootstrap,
                topic("document", municipality),
                lambda r: header(r, "ce_type") == DocumentArchived.event_type,
            )
            # Both copies have their outcome (nothing waits for a retry): any second filing
            # or second, different answer has happened by now.
            group = f"{settings.group_prefix}.{NAME}"
            await wait_until_consumed(bootstrap, group, [topic("document", municipality)])
            assert app.state.store.parked_count(group) == 0
            answers = await wait_for_records(
                bootstrap,
                topic("document", municipality),
                lambda r: header(r, "ce_type") == DocumentArchived.event_type,
            )
    # The redelivery may be answered again, but always with the same follow-up id.
    assert {header(r, "ce_id") for r in answers} == {header(answers[0], "ce_id")}
    record = answers[0]
    event = from_kafka(record.headers, record.value)
    assert isinstance(event.data, DocumentArchived)
    assert event.envelope.causationid == filed.envelope.id
    assert event.envelope.caseid == "C-archive-1"
    (case,) = standin.cases.values()
    assert event.data.archive_case_number == case.number == filed.data.esdh_case_number
    assert event.data.archive_case_id == str(case.case_id)
    (filing,) = standin.filings
    assert event.data.archive_document_id == filing.reference == filing.post
