"""The archiver in the hub on the real broker, filing through the SF1470 stand-in on loopback.

The hub builds the archive component from its settings, as in production: the children of
cases are in its store, on the group's changelog topic.
"""

import pytest

from adapters.archive import NAME, ArchiveSettings, ArchiveStandin
from adapters.archive.parties import STORE
from contracts.binding import from_kafka, to_kafka
from contracts.documents import DocumentArchived
from hub.compose.app import create_app, group_of
from hub.runtime.serve import serving
from routing.topics import changelog_topic, topic
from tests.adapters.archive.events import case_opened, document_filed
from tests.adapters.archive.helpers import agreement
from tests.kafka import produce, wait_for_records, wait_until_consumed

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
    bootstrap = hub_settings.kafka
    standin = ArchiveStandin()
    opened = case_opened(municipality, "C-archive-1")
    filed = document_filed(municipality, "C-archive-1")
    async with serving(standin.asgi()) as url:
        settings = hub_settings.model_copy(
            update={
                NAME: ArchiveSettings(
                    base_url=url, agreements={municipality: agreement()}, timeout_s=5.0
                )
            }
        )
        group = group_of(settings, NAME)
        app = create_app(settings)
        async with serving(app):
            await send(bootstrap, opened)
            # The case first: a document whose CaseOpened is not handled yet is retried, and
            # on a loaded machine (new topics still electing leaders) retried into quarantine.
            # The child is known once it is on the group's changelog (made durable before the
            # CaseOpened's offset is committed).
            await wait_for_records(
                bootstrap,
                changelog_topic(group, municipality),
                lambda r: r.key == f"{STORE}/C-archive-1".encode(),
            )
            await send(bootstrap, filed)
            await send(bootstrap, filed)  # a redelivery: recognised, nothing filed twice
            await wait_for_records(
                bootstrap,
                topic("document", municipality),
                lambda r: header(r, "ce_type") == DocumentArchived.event_type,
            )
            # Both copies have their outcome (nothing waits for a retry): any second filing
            # or second, different answer has happened by now.
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
