"""A v2 letter with documents on the real broker, the hub's document store and the SF1601 stand-in.

One letter to the child's two custody holders: the father's message fails part-way (the
stand-in answers 503 for him), the request is redelivered until it goes, and the mother's
message is never sent again; both messages carry their own stable MessageUUID, and a
redelivery of the whole request sends nothing more. A letter whose document was altered and
one whose document is missing are each quarantined with the reason.
"""

import asyncio
import json
import uuid

import pytest

from adapters.cpr.population import synthetic_population
from adapters.digitalpost import COMPONENT, message_uuid
from adapters.documents import LocalDocumentStore
from contracts.binding import from_kafka, to_kafka
from contracts.documents import MediaType
from contracts.envelope import new_event
from contracts.letters import LetterDelivered, LetterRequestedV2
from hub.compose.app import create_app, group_of
from hub.runtime.component import StandinContext
from hub.runtime.serve import serving
from routing.topics import quarantine_topic, topic
from tests.kafka import WITHIN_S, produce, wait_for_records, wait_until_consumed

pytestmark = pytest.mark.kafka

PEOPLE = synthetic_population()
MOTHER, FATHER = PEOPLE.mother, PEOPLE.father  # the child's custody holders
PDF = b"%PDF-1.7\n% synthetic decision\n%%EOF\n"
MISMATCH = "sha256 differs from its reference"


def header(record, name):
    return dict(record.headers).get(name, b"").decode()


async def until(condition):
    async with asyncio.timeout(WITHIN_S):
        while not condition():
            await asyncio.sleep(0.05)


def letter(municipality, case_id, main, *attachments):
    record = {
        "letter_id": f"L-{case_id}",
        "purpose": "decision",
        "recipients": [MOTHER.reveal(), FATHER.reveal()],
        "subject": "Afgørelse om støtte til jeres barn",
        "notification": "Du har fået en afgørelse fra kommunen.",
        "main_document": main.model_dump(mode="json"),
        "attachments": [a.model_dump(mode="json") for a in attachments],
    }
    data = LetterRequestedV2.model_validate_json(json.dumps(record))
    return new_event(data, source="urn:test", municipality=municipality, case_id=case_id)


async def send(settings, event):
    record = to_kafka(event)
    await produce(
        settings.kafka,
        topic("letter", event.envelope.municipality),
        record.value,
        key=record.key,
        headers=record.headers,
    )


async def test_two_custody_holders_a_partial_send_and_bad_documents(hub_settings):
    municipality = hub_settings.municipalities[0]
    assert COMPONENT.standin is not None
    async with COMPONENT.standin(StandinContext(municipalities=(municipality,))) as standin:
        post = standin.service
        settings = hub_settings.model_copy(update={COMPONENT.name: standin.settings})
        # The hub's own document store (the default: local, under the state directory).
        store = LocalDocumentStore(settings.state_dir / "documents", municipalities=[municipality])
        put = store.put
        main = await put(
            PDF, media_type=MediaType.PDF, file_name="a.pdf", municipality=municipality
        )
        first = await put(
            b"%PDF one", media_type=MediaType.PDF, file_name="b.pdf", municipality=municipality
        )
        second = await put(
            b"%PDF two", media_type=MediaType.PDF, file_name="c.pdf", municipality=municipality
        )
        good = letter(municipality, "C-good", main, first, second)
        altered = letter(
            municipality, "C-altered", main, first.model_copy(update={"sha256": "0" * 64})
        )
        missing = letter(
            municipality, "C-missing", main.model_copy(update={"document_id": str(uuid.uuid4())})
        )
        expected = {message_uuid(good.envelope.id, person) for person in (MOTHER, FATHER)}

        post.unavailable_for = {FATHER.reveal()}
        async with serving(create_app(settings)):
            await send(settings, good)
            mother = message_uuid(good.envelope.id, MOTHER)
            await until(lambda: mother in post.deliveries)
            # Redelivered at least once after the mother's message was taken.
            await until(lambda: post.unavailable_answers >= 2)
            post.unavailable_for = set()
            await until(lambda: set(post.deliveries) == expected)
            await send(settings, good)  # the whole request once more
            await send(settings, altered)
            await send(settings, missing)
            quarantined = await wait_for_records(
                settings.kafka,
                quarantine_topic(topic("letter", municipality)),
                lambda _: True,
                count=2,
            )
            await wait_until_consumed(
                settings.kafka,
                group_of(settings, COMPONENT.name),
                [topic("letter", municipality)],
            )
            reports = await wait_for_records(
                settings.kafka,
                topic("letter", municipality),
                lambda r: header(r, "ce_type") == LetterDelivered.event_type,
                count=2,
            )

    assert set(post.deliveries) == expected, "two messages, one per custody holder"
    assert len(expected) == 2, "two different MessageUUIDs"
    assert post.duplicates == 0, "the mother's message was never sent again"
    facts = [from_kafka(r.headers, r.value) for r in reports]
    uuids = {uuid.UUID(f.data.message_uuid) for f in facts if isinstance(f.data, LetterDelivered)}
    assert uuids == expected
    assert {f.envelope.causationid for f in facts} == {good.envelope.id}

    gone = missing.data.main_document.document_id
    reasons = {
        header(r, "ce_caseid"): (header(r, "quarantine_error"), header(r, "quarantine_reason"))
        for r in quarantined
    }
    assert reasons == {
        "C-altered": (
            "DocumentIntegrityError",
            f"letter: attachment 1: document {first.document_id}: {MISMATCH}",
        ),
        "C-missing": (
            "DocumentNotFoundError",
            f"letter: main document: document {gone}: not in the store",
        ),
    }
