"""LetterRequested v2: its two forms, a one-line subject, a short notification, actions."""

import datetime as dt
import hashlib
import json
import uuid

import pytest
from pydantic import ValidationError

from contracts.letters import LetterKind, LetterRequested, LetterRequestedV2
from tests.people import CHILD, MOTHER, cpr_for

FATHER = cpr_for(dt.date(1986, 11, 23), 789)  # the second custody holder
PDF = b"%PDF-1.7\n% synthetic\n%%EOF\n"


def reference(file_name="afgoerelse.pdf"):
    return {
        "document_id": str(uuid.uuid4()),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "media_type": "application/pdf",
        "size": len(PDF),
        "file_name": file_name,
    }


def document_form(**changes):
    record = {
        "letter_id": "L-1",
        "purpose": "decision",
        "recipients": [MOTHER, FATHER],
        "subject": "Afgørelse om støtte til jeres barn",
        "notification": "Du har fået en afgørelse fra kommunen.",
        "main_document": reference(),
        "attachments": [reference("bilag-1.pdf"), reference("bilag-2.pdf")],
        "kind": "legal_notification",
        "action": {"kind": "reply", "reply_by": "2026-12-24T12:00:00Z"},
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def parse(record):
    return LetterRequestedV2.model_validate_json(json.dumps(record))


def refused_fields(record):
    with pytest.raises(ValidationError) as caught:
        parse(record)
    return {error["loc"][0] for error in caught.value.errors(include_input=False)}


V1 = {
    "letter_id": "L-1",
    "recipient_cpr": CHILD,
    "purpose": "receipt",
    "title": "Kvittering\nfor underretning",  # v1 took a line break; it still does
    "body": "Kommunen har modtaget din underretning.",
}


def test_a_letter_with_documents_to_two_custody_holders_is_read():
    letter = parse(document_form())
    assert [r.reveal() for r in letter.recipients or ()] == [MOTHER, FATHER]
    assert letter.kind is LetterKind.LEGAL_NOTIFICATION
    assert len(letter.attachments) == 2
    assert not letter.text_form


def test_every_v1_record_is_a_v2_record_in_the_text_form():
    assert LetterRequested.model_validate_json(json.dumps(V1)).letter_id == "L-1"
    letter = parse(V1)
    assert letter.text_form
    assert letter.recipient_cpr is not None
    assert letter.recipient_cpr.reveal() == CHILD


def test_a_subject_with_a_line_break_is_refused_naming_the_subject():
    for broken in ("Afgørelse\nom støtte", "Afgørelse\r\nom støtte", "Afgørelse\u2028"):
        assert refused_fields(document_form(subject=broken)) == {"subject"}


def test_a_notification_over_150_characters_is_refused_naming_it():
    assert parse(document_form(notification="n" * 150)).notification == "n" * 150
    assert refused_fields(document_form(notification="n" * 151)) == {"notification"}


def test_the_two_forms_do_not_mix_and_each_is_whole():
    mixed = document_form(title="Titel", body="Tekst", recipient_cpr=CHILD)
    with pytest.raises(ValidationError, match="either the text form or the document form"):
        parse(mixed)
    with pytest.raises(ValidationError, match="document form needs"):
        parse(document_form(main_document=None))
    with pytest.raises(ValidationError, match="text form needs"):
        parse({k: v for k, v in V1.items() if k != "body"})


def test_a_recipient_is_named_once():
    with pytest.raises(ValidationError, match="each recipient once"):
        parse(document_form(recipients=[MOTHER, MOTHER]))


def test_a_link_needs_an_https_address_a_label_and_a_code():
    link = {
        "kind": "link",
        "label": "Se din sag",
        "url": "https://kommune.dk/sag",
        "code": "INFORMATION",
    }
    assert parse(document_form(action=link)).action is not None
    assert refused_fields(document_form(action={**link, "url": "http://kommune.dk"})) == {"action"}
    with pytest.raises(ValidationError, match="a link needs"):
        parse(document_form(action={"kind": "link", "url": "https://kommune.dk"}))
    with pytest.raises(ValidationError, match="a reply has no"):
        parse(document_form(action={"kind": "reply", "url": "https://kommune.dk"}))


def test_the_recipients_and_texts_stay_out_of_repr():
    shown = repr(parse(document_form()))
    assert MOTHER not in shown
    assert FATHER not in shown
    assert "Afgørelse" not in shown
