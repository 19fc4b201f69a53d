"""The letter and its MeMo message: stable MessageUUID, required parts, nothing leaks."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from hypothesis import given
from lxml import etree

from adapters.digitalpost import (
    CaseReference,
    Document,
    InvalidMessageError,
    Letter,
    build_message,
    message_uuid,
    render,
)
from adapters.digitalpost.memo import MEMO_NS
from contracts.cpr import Cpr
from tests.adapters.digitalpost.letters import PDF, letter, letters
from tests.people import CHILD, MOTHER

V4 = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[ab89][a-f0-9]{3}-[a-f0-9]{12}")
NS = {"memo": MEMO_NS}


class TestMessageUuid:
    def test_the_same_event_and_recipient_give_the_same_uuid(self):
        assert letter("evt-1").message_uuid == letter("evt-1").message_uuid

    def test_another_event_or_recipient_gives_another_uuid(self):
        base = letter("evt-1", MOTHER).message_uuid
        assert letter("evt-2", MOTHER).message_uuid != base
        assert letter("evt-1", CHILD).message_uuid != base

    def test_the_uuid_has_the_v4_form_memo_requires(self):
        assert V4.fullmatch(str(message_uuid("evt-1", Cpr(MOTHER))))

    def test_the_title_does_not_change_the_uuid(self):
        assert letter(title="A").message_uuid == letter(title="B").message_uuid

    @given(letters())
    def test_generated_uuids_have_the_v4_form(self, generated: Letter):
        assert V4.fullmatch(str(generated.message_uuid))


class TestMessage:
    def test_uses_the_memo_prefix_and_version_12_without_sch_version(self):
        message = build_message(letter())
        assert message.prefix == "memo"
        assert message.get("memoVersion") == "1.2"
        assert message.get("memoSchVersion") is None

    def test_carries_recipient_sender_and_the_pdf(self):
        message = build_message(letter())
        assert message.findtext(".//memo:Recipient/memo:recipientID", namespaces=NS) == MOTHER
        assert message.findtext(".//memo:Sender/memo:idType", namespaces=NS) == "CVR"
        assert message.findtext(".//memo:encodingFormat", namespaces=NS) == "application/pdf"

    def test_additional_documents_case_and_reply_are_included(self):
        answered = uuid.uuid4()
        message = build_message(
            letter(
                additional_documents=(Document("bilag.pdf", PDF), Document("b2.pdf", PDF)),
                case=CaseReference("SAG-42", "DUBU"),
                in_reply_to=answered,
            )
        )
        assert len(message.findall(".//memo:AdditionalDocument", namespaces=NS)) == 2
        assert message.findtext(".//memo:CaseID/memo:caseID", namespaces=NS) == "SAG-42"
        assert message.findtext(".//memo:ReplyData/memo:messageUUID", namespaces=NS) == str(
            answered
        )

    def test_created_time_is_utc_with_z(self):
        created = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        text = build_message(letter(created=created)).findtext(
            ".//memo:createdDateTime", namespaces=NS
        )
        assert text == "2026-06-01T10:00:00Z"

    def test_render_is_pretty_utf8_xml(self):
        rendered = render(letter(title="Æbler på øen"))
        assert rendered.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
        assert "Æbler på øen".encode() in rendered
        assert etree.fromstring(rendered).tag == f"{{{MEMO_NS}}}Message"


class TestLetterRules:
    @pytest.mark.parametrize(
        "changes",
        [
            {"title": ""},
            {"title": "x" * 257},
            {"title": "bad\x00char"},
            {"message_id": " "},
            {"created": dt.datetime(2026, 1, 1)},  # noqa: DTZ001 - naive on purpose
        ],
    )
    def test_unsendable_letters_are_refused(self, changes):
        with pytest.raises(InvalidMessageError):
            letter(**changes)

    @pytest.mark.parametrize("name", ["a/b.pdf", "x?.pdf", "ny\nlinje.pdf", "a\u00a0b.pdf"])
    def test_file_names_digital_post_refuses_are_refused(self, name):
        with pytest.raises(InvalidMessageError) as caught:
            Document(name, PDF)
        assert name not in str(caught.value)

    def test_repr_shows_neither_recipient_nor_title_nor_file_name(self):
        shown = repr(letter(title="Fortroligt emne"))
        assert MOTHER not in shown
        assert "Fortroligt" not in shown
        assert "afgørelse.pdf" not in shown

    def test_an_error_does_not_quote_the_title(self):
        with pytest.raises(InvalidMessageError) as caught:
            letter(title="Hemmelig\x01")
        assert "Hemmelig" not in str(caught.value)
