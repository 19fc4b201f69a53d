"""``casehub archive build`` on the real broker: the history from the topics, documents by port."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import sys

import pytest
from aiokafka import AIOKafkaProducer

from adapters.documents.local import LocalDocumentStore
from adapters.rigsarkivet import (
    COMPONENT,
    NAME,
    ArchiveDescription,
    BuildFailedError,
    SampleDocuments,
    sample_history,
)
from adapters.rigsarkivet.reader import HISTORY_DOMAINS, decode_plain
from adapters.rigsarkivet.run import build_from_topics
from contracts.archive import ArchivePackageBuiltV3, ArchiveRequested, CaseArchived
from contracts.binding import to_kafka
from contracts.case import CaseOpened
from contracts.documents import DocumentFiled, DocumentFiledV2, MediaType
from contracts.envelope import Event, new_event
from hub.compose.app import build_context
from hub.runtime.provision import ensure_topics
from routing.topics import topic, topic_for
from tests.adapters.rigsarkivet.avid import check_version, rigsarkivet_settings, standard_schemas
from tests.hub.crypto.memory import crypto_on
from tests.kafka import cli_options

pytestmark = pytest.mark.kafka

PERIOD = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))


async def _history(municipality, store, *, cases, start=PERIOD[0], first=1):
    """The sample's events, each filed document put in the store and referenced (v2)."""
    documents = SampleDocuments()
    events = []
    async for event in sample_history(
        documents, cases=cases, pages=1, municipality=municipality, start=start,
        end=start + dt.timedelta(days=90), first=first,
    ):  # fmt: skip
        if not isinstance(event.data, DocumentFiled):
            events.append(event)
            continue
        fetched = await documents.fetch(event)  # type: ignore[arg-type]  # narrowed above
        reference = await store.put(
            fetched.content,
            media_type=MediaType.PDF,
            file_name=fetched.file_name,
            municipality=municipality,
        )
        events.append(_as_v2(event, DocumentFiledV2(**dict(event.data), content=reference)))
    return events


def _as_v2(event, data):
    envelope = event.envelope.model_copy(
        update={"contractversion": 2, "classification": data.classification()}
    )
    return Event[DocumentFiledV2](envelope=envelope, data=data)


async def _publish(kafka, records):
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await producer.start()
    try:
        for name, key, value, headers in records:
            await producer.send_and_wait(name, value, key=key, headers=list(headers))
    finally:
        await producer.stop()


def _records(events):
    for event in events:
        record = to_kafka(event)
        yield topic_for(event), record.key, record.value, record.headers


async def _topics(settings, municipality):
    names = [topic(domain, municipality) for domain in HISTORY_DOMAINS]
    await ensure_topics(settings.kafka, names, partitions=2, replication=1)


async def test_a_version_is_built_from_the_topics_and_is_valid(hub_settings, tmp_path):
    municipality = hub_settings.municipalities[0]
    store = LocalDocumentStore(tmp_path / "store", municipalities=[municipality])
    await _topics(hub_settings, municipality)
    inside = await _history(municipality, store, cases=3)
    before = await _history(municipality, store, cases=1, start=dt.date(2023, 3, 1), first=9)
    await _publish(hub_settings.kafka, [*_records(before), *_records(inside)])
    schemas = standard_schemas(tmp_path / "standard")
    about = ArchiveDescription("AVID.SA.18011.1", "Kommune", *PERIOD)

    decoded = []

    async def decode(headers, value):  # the seam a decrypting decoder plugs into
        event = await decode_plain(headers, value)
        decoded.append(event.envelope.id)
        return event

    built = await build_from_topics(
        hub_settings.kafka, municipality, about, store, tmp_path / "out", schemas, decode=decode
    )

    assert check_version(built.version.path, schemas) == []
    assert sorted(decoded) == sorted(e.envelope.id for e in [*before, *inside])
    assert (built.cases, built.documents, built.pages) == (3, 6, 6)
    cases_xml = (built.version.path / "Tables" / "table1" / "table1.xml").read_text()
    assert cases_xml.count("<row>") == 3
    assert "case-9" not in cases_xml  # opened before the period
    opened = sum(isinstance(e.data, CaseOpened) for e in inside)
    journal = (built.version.path / "Tables" / "table4" / "table4.xml").read_text()
    assert journal.count("<row>") == len(inside)
    assert opened == 3


async def test_bad_records_and_documents_fail_the_build_with_the_list(hub_settings, tmp_path):
    municipality = hub_settings.municipalities[0]
    store = LocalDocumentStore(tmp_path / "store", municipalities=[municipality])
    await _topics(hub_settings, municipality)
    events = await _history(municipality, store, cases=1)
    spoiled: list[str] = []
    for event in events:
        sent = event
        if isinstance(event.data, DocumentFiledV2) and not spoiled:
            assert event.data.content is not None
            wrong = event.data.content.model_copy(update={"sha256": "0" * 64})
            sent = _as_v2(event, event.data.model_copy(update={"content": wrong}))
            spoiled.append(event.envelope.id)
        await _publish(hub_settings.kafka, list(_records([sent])))
    _, key, value, headers = next(_records(events[-1:]))
    broken = value.replace(b'"closure":"measures_ended"', b'"closure":"went_away"')
    meta_topic = topic("case", municipality)
    await _publish(hub_settings.kafka, [(meta_topic, key, broken, headers)])
    schemas = standard_schemas(tmp_path / "standard")
    about = ArchiveDescription("AVID.SA.18012.1", "Kommune", *PERIOD)

    with pytest.raises(BuildFailedError) as failed:
        await build_from_topics(
            hub_settings.kafka, municipality, about, store, tmp_path / "out", schemas
        )

    reasons = sorted(str(bad) for bad in failed.value.bad)
    assert len(reasons) == 2, reasons
    assert reasons[0].startswith("document ")
    assert spoiled[0] in reasons[0]
    assert reasons[0].endswith("sha256 differs from its reference")
    assert reasons[1].startswith(f"record {meta_topic}/")
    assert "data.closure" in reasons[1]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


async def test_the_component_answers_a_request_with_the_package_it_built(hub_settings, tmp_path):
    municipality = hub_settings.municipalities[0]
    settings = rigsarkivet_settings(tmp_path / "archive")
    # The component opens the hub's document store as the documents component does.
    store = LocalDocumentStore(hub_settings.state_dir / "documents", municipalities=[municipality])
    await _topics(hub_settings, municipality)
    await _publish(hub_settings.kafka, list(_records(await _history(municipality, store, cases=2))))
    published = []

    async def publish(event):
        published.append(event)
        return event.envelope.id

    component = COMPONENT.build(settings, build_context(hub_settings, publish, NAME))
    assert component.background is not None
    assert component.handler is not None
    background = asyncio.create_task(component.background())
    try:
        await asyncio.sleep(0)  # the background task opens the local store without waiting
        request = ArchiveRequested(
            archive_id="archive-1",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            requested_by="archivist-1",
        )
        event = new_event(
            request, source="urn:test", municipality=municipality, case_id="archive-1"
        )
        await component.handler(event)
    finally:
        background.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await background

    *archived, built = published
    assert isinstance(built.data, ArchivePackageBuiltV3)
    assert built.envelope.causationid == event.envelope.id
    folder = settings.out / built.data.avid
    assert built.data.avid == "AVID.SA.18099.1"
    assert built.data.location == str(folder)
    assert (built.data.media_count, built.data.cases, built.data.documents) == (1, 2, 4)
    assert built.data.pages == 4
    # One record per case of where it is archived, keyed by the case: what erasure reads.
    assert sorted(e.envelope.caseid for e in archived) == ["case-1", "case-2"]
    for record in archived:
        assert isinstance(record.data, CaseArchived)
        assert record.envelope.causationid == event.envelope.id
        assert (record.data.package_id, record.data.avid) == ("AVID.SA.18099", "AVID.SA.18099.1")
        assert record.data.md5_of_indices == built.data.md5_of_indices
    index = (folder / "Indices" / "fileIndex.xml").read_bytes()
    assert built.data.md5_of_indices == hashlib.md5(index).hexdigest()  # noqa: S324 - the rule's
    assert built.data.files == sum(1 for p in folder.rglob("*") if p.is_file())
    assert check_version(folder, settings.standard_schemas) == []


async def _archive_build(municipality, state_dir, out, schemas, kafka):
    """``casehub archive build`` as an archivist runs it: its exit code, stdout and stderr."""
    environment = {
        **os.environ,
        "CASEHUB_STATE_DIR": str(state_dir),
        "CASEHUB_MUNICIPALITIES": json.dumps([municipality]),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hub.cli.main", "archive", "build", *cli_options(kafka),
        "--municipality", municipality, "--from", "2024-01-01", "--to", "2025-12-31",
        "--creator", "Kommune", "--out", str(out), "--standard-schemas", str(schemas),
        "--avid", "AVID.SA.18030.1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=environment,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_the_build_command_writes_a_valid_version_from_the_broker(hub_settings, tmp_path):
    municipality = hub_settings.municipalities[0]
    state = tmp_path / "state"
    store = LocalDocumentStore(state / "documents", municipalities=[municipality])
    await _topics(hub_settings, municipality)
    await _publish(hub_settings.kafka, list(_records(await _history(municipality, store, cases=2))))
    schemas = standard_schemas(tmp_path / "standard")
    out = tmp_path / "out"

    code, stdout, stderr = await _archive_build(
        municipality, state, out, schemas, hub_settings.kafka
    )

    assert code == 0, stderr
    assert "cases=2 documents=4 pages=4" in stdout
    version = out / "AVID.SA.18030.1"
    index = (version / "Indices" / "fileIndex.xml").read_bytes()
    assert f"fileIndex.md5={hashlib.md5(index).hexdigest()}" in stdout  # noqa: S324 - the rule's
    assert check_version(version, schemas) == []
    assert "cases 2  documents 4  pages 4" in stderr  # the progress line


async def test_the_build_command_lists_every_bad_item_and_leaves_nothing(hub_settings, tmp_path):
    municipality = hub_settings.municipalities[0]
    state = tmp_path / "state"
    store = LocalDocumentStore(state / "documents", municipalities=[municipality])
    await _topics(hub_settings, municipality)
    events = await _history(municipality, store, cases=1)
    documents = [e for e in events if isinstance(e.data, DocumentFiledV2)]
    first, second = documents[0].data, documents[1].data
    assert first.content is not None
    assert second.content is not None
    wrong = first.content.model_copy(update={"sha256": "0" * 64})
    broken = b"%PDF-1.7\n1 0 obj <<>> this is no PDF"
    unrenderable = await store.put(
        broken, media_type=MediaType.PDF, file_name="broken.pdf", municipality=municipality
    )
    spoiled = {
        documents[0].envelope.id: first.model_copy(update={"content": wrong}),
        documents[1].envelope.id: second.model_copy(
            update={"content": unrenderable, "sha256": unrenderable.sha256}
        ),
    }
    sent = [_as_v2(e, spoiled[e.envelope.id]) if e.envelope.id in spoiled else e for e in events]
    _, key, value, headers = next(_records(events[-1:]))
    not_valid = value.replace(b'"closure":"measures_ended"', b'"closure":"went_away"')
    await _publish(
        hub_settings.kafka,
        [*_records(sent), (topic("case", municipality), key, not_valid, headers)],
    )
    schemas = standard_schemas(tmp_path / "standard")
    out = tmp_path / "out"

    code, stdout, stderr = await _archive_build(
        municipality, state, out, schemas, hub_settings.kafka
    )

    assert code == 1
    assert stdout == ""
    bad = sorted(line for line in stderr.splitlines() if line.startswith("bad: "))
    assert len(bad) == 3, stderr
    assert bad[0].startswith(f"bad: document {first.document_id} ")
    assert bad[0].endswith("sha256 differs from its reference")
    assert bad[1].startswith(f"bad: document {second.document_id} ")
    assert "PDF cannot be opened" in bad[1]
    assert bad[2].startswith(f"bad: record {topic('case', municipality)}/")
    assert "data.closure" in bad[2]
    assert "archival version not built: 3 bad item(s)" in stderr
    assert not out.exists() or list(out.iterdir()) == []


async def test_with_field_encryption_the_component_opens_the_sealed_history(hub_settings, tmp_path):
    municipality = hub_settings.municipalities[0]
    settings = rigsarkivet_settings(tmp_path / "archive")
    store = LocalDocumentStore(hub_settings.state_dir / "documents", municipalities=[municipality])
    await _topics(hub_settings, municipality)
    crypto, _, _ = crypto_on(tmp_path / "keys", municipality, personal=True)
    events = await _history(municipality, store, cases=2)
    sealed = []
    for event in events:
        record = await crypto.seal(event, to_kafka(event))
        sealed.append((topic_for(event), record.key, record.value, record.headers))
    assert any(dict(h).get("ce_keyid") for *_, h in sealed)  # the history travels sealed
    await _publish(hub_settings.kafka, sealed)
    published = []

    async def publish(event):
        published.append(event)
        return event.envelope.id

    context = build_context(hub_settings, publish, NAME, data_keys=crypto.keys)
    component = COMPONENT.build(settings, context)
    assert component.background is not None
    assert component.handler is not None
    background = asyncio.create_task(component.background())
    try:
        await asyncio.sleep(0)
        request = ArchiveRequested(
            archive_id="archive-2", period_start=PERIOD[0], period_end=PERIOD[1],
            requested_by="archivist-1",
        )  # fmt: skip
        event = new_event(
            request, source="urn:test", municipality=municipality, case_id="archive-2"
        )
        await component.handler(event)
    finally:
        background.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await background
    built = published[-1]
    assert isinstance(built.data, ArchivePackageBuiltV3)
    assert built.data.cases == 2  # every sealed record opened: no bad item failed the build
