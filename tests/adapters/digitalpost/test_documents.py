"""A v2 letter's documents, read through the document port from both stores, in valid MeMo.

The same cases run on the local store and on the S3 store against the session's S3Proxy.
"""

import base64
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from lxml import etree

from adapters.digitalpost import build_message, message_uuid
from adapters.digitalpost.memo import MEMO_NS
from adapters.digitalpost.requested import letters_for
from adapters.documents import (
    DocumentIntegrityError,
    DocumentNotFoundError,
    LocalDocumentStore,
    S3DocumentStore,
)
from contracts.cpr import Cpr
from contracts.documents import MediaType
from contracts.envelope import new_event
from contracts.letters import LetterRequestedV2
from tests.adapters.digitalpost.letters import SENDER
from tests.adapters.digitalpost.letters import letter as plain_letter
from tests.adapters.digitalpost.test_conformance import memo_12
from tests.people import MOTHER, cpr_for
from tests.s3 import S3Server

FATHER = cpr_for(dt.date(1986, 11, 23), 789)
HOME = "101"
NS = {"memo": MEMO_NS}
MAIN = b"%PDF-1.7\n% the decision, synthetic\n%%EOF\n"
FIRST = b"%PDF-1.7\n% attachment one\n%%EOF\n"
SECOND = b"\x89PNG\r\n\x1a\n synthetic scan"


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
async def store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "local":
        yield LocalDocumentStore(tmp_path / "documents", municipalities=[HOME])
        return
    server: S3Server = request.getfixturevalue("s3")
    settings = server.settings(f"dp-{uuid.uuid4().hex[:12]}")
    async with S3DocumentStore.connect(settings, municipalities=[HOME]) as s3_store:
        await s3_store.ensure_bucket()
        yield s3_store


async def stored(store):
    main = await store.put(
        MAIN, media_type=MediaType.PDF, file_name="afgørelse.pdf", municipality=HOME
    )
    first = await store.put(
        FIRST, media_type=MediaType.PDF, file_name="handleplan.pdf", municipality=HOME
    )
    second = await store.put(
        SECOND, media_type=MediaType.PNG, file_name="scanning.png", municipality=HOME
    )
    return main, first, second


def requested(main, *attachments, action=None):
    record = {
        "letter_id": "L-9",
        "purpose": "decision",
        "recipients": [MOTHER, FATHER],
        "subject": "Afgørelse om støtte til jeres barn",
        "notification": "Du har fået en afgørelse fra Testkommune.",
        "main_document": main.model_dump(mode="json"),
        "attachments": [a.model_dump(mode="json") for a in attachments],
        "kind": "legal_notification",
        "action": action or {"kind": "reply", "reply_by": "2026-12-24T12:00:00Z"},
    }
    data = LetterRequestedV2.model_validate_json(json.dumps(record))
    return new_event(data, source="urn:test", municipality=HOME, case_id="C-9")


def errors(document):
    schema = memo_12()
    schema.validate(document)
    return [f"{e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]


def contents(message, where):
    return [
        base64.b64decode(text)
        for text in message.xpath(f"{where}/memo:File/memo:content/text()", namespaces=NS)
    ]


async def test_a_letter_with_a_main_document_and_two_attachments_validates(store):
    main, first, second = await stored(store)
    event = requested(main, first, second)
    letters = await letters_for(event, event.data, SENDER, store)
    assert [letter.recipient.reveal() for letter in letters] == [MOTHER, FATHER]
    for letter in letters:
        message = build_message(letter)
        assert errors(message) == []
        assert contents(message, "//memo:MainDocument") == [MAIN]
        assert contents(message, "//memo:AdditionalDocument") == [FIRST, SECOND]
        header = "memo:MessageHeader/memo:"
        assert message.findtext(f"{header}notification", namespaces=NS) == (
            "Du har fået en afgørelse fra Testkommune."
        )
        assert message.findtext(f"{header}legalNotification", namespaces=NS) == "true"
        assert message.findtext(f"{header}reply", namespaces=NS) == "true"
        assert message.findtext(f"{header}replyByDateTime", namespaces=NS) == (
            "2026-12-24T12:00:00Z"
        )
    uuids = [letter.message_uuid for letter in letters]
    assert uuids == [message_uuid(event.envelope.id, Cpr(p)) for p in (MOTHER, FATHER)]
    assert uuids[0] != uuids[1]
    ids = [letter.memo_message_id for letter in letters]
    assert ids == [f"{event.envelope.id}/1", f"{event.envelope.id}/2"]


async def test_a_link_action_is_on_the_main_document_and_validates(store):
    main, _, _ = await stored(store)
    link = {
        "kind": "link",
        "label": "Se din sag",
        "url": "https://selvbetjening.testkommune.dk/sag",
        "code": "SELVBETJENING",
    }
    event = requested(main, action=link)
    letter, _ = await letters_for(event, event.data, SENDER, store)
    message = build_message(letter)
    assert errors(message) == []
    action = ".//memo:MainDocument/memo:Action/"
    assert message.findtext(f"{action}memo:actionCode", namespaces=NS) == "SELVBETJENING"
    assert message.findtext(f"{action}memo:EntryPoint/memo:url", namespaces=NS) == link["url"]
    assert message.findtext(".//memo:reply", namespaces=NS) is None


async def test_a_document_whose_sha256_differs_is_refused_naming_it(store):
    main, first, _ = await stored(store)
    altered = first.model_copy(update={"sha256": "0" * 64})
    event = requested(main, first, altered)
    with pytest.raises(DocumentIntegrityError) as caught:
        await letters_for(event, event.data, SENDER, store)
    reason = str(caught.value)
    assert (
        reason
        == f"letter: attachment 2: document {first.document_id}: sha256 differs from its reference"
    )


async def test_a_missing_document_is_refused_naming_it(store):
    main, _, _ = await stored(store)
    missing = main.model_copy(update={"document_id": str(uuid.uuid4())})
    event = requested(missing)
    with pytest.raises(DocumentNotFoundError) as caught:
        await letters_for(event, event.data, SENDER, store)
    assert str(caught.value).startswith(f"letter: main document: document {missing.document_id}")
    assert "not in the store" in str(caught.value)


def test_the_xsd_refuses_a_notification_it_cannot_carry():
    # The schema really checks the header: a notification over MeMo's limit fails it.
    message = build_message(plain_letter(notification="kort"))
    assert errors(message) == []
    node = message.find("memo:MessageHeader/memo:notification", namespaces=NS)
    assert node is not None
    node.text = "n" * 200
    assert errors(etree.fromstring(etree.tostring(message))) != []
