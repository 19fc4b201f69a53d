"""The stand-ins: the wire stand-in checks what it is sent; the in-memory fake keeps state."""

from __future__ import annotations

import uuid

import httpx
import pytest
from hypothesis import given, settings
from lxml import etree

from adapters.digitalpost import (
    Channel,
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    KombiChoice,
    Outcome,
    RecipientRejectedError,
)
from adapters.digitalpost._inbound import check_kombi
from adapters.digitalpost.client import KOMBI_PATH, RECEIPTS_PATH, kombi_request
from adapters.digitalpost.memo import MEMO_NS
from adapters.digitalpost.standin import DigitalPostStandin, InMemoryDigitalPost, Reach
from hub.runtime.xmlsafe import parse_xml
from tests.adapters.digitalpost.letters import SENDER, letter, letters
from tests.adapters.digitalpost.payloads import BOMB, XXE, XXE_UTF16
from tests.adapters.digitalpost.tokens import tokens_on
from tests.people import CHILD, MOTHER

HEADERS = {
    "content-type": "application/xml",
    "x-TransaktionsId": "3f1d2b8e-4a5c-4e6f-9a0b-1c2d3e4f5a6b",
    "x-TransaktionsTid": "2026-11-25T10:00:00+00:00",
}
NS = {"memo": MEMO_NS}


async def post(standin: DigitalPostStandin, body: bytes, headers=HEADERS) -> httpx.Response:
    async with httpx.AsyncClient(
        base_url="https://sf1601.test", transport=standin.transport()
    ) as h:
        token = await tokens_on(h).token(SENDER.cvr)
        authorised = {**headers, "authorization": token.authorization}
        return await h.post(KOMBI_PATH, content=body, headers=authorised)


def code_of(response: httpx.Response) -> str | None:
    return etree.fromstring(response.content).findtext("FejlKode")


def edited(edit) -> bytes:
    root = etree.fromstring(kombi_request(letter(recipient=MOTHER), KombiChoice.AUTOMATIC))
    edit(root)
    return etree.tostring(root)


def drop(path: str):
    def edit(root):
        element = root.find(path, NS)
        element.getparent().remove(element)

    return edit


def set_text(path: str, text: str):
    def edit(root):
        root.find(path, NS).text = text

    return edit


@pytest.fixture
def standin() -> DigitalPostStandin:
    return DigitalPostStandin({MOTHER: Reach.DIGITAL, CHILD: Reach.PRINT_ONLY})


class TestInboundChecks:
    async def test_a_correct_request_is_accepted(self, standin):
        response = await post(
            standin, kombi_request(letter(recipient=MOTHER), KombiChoice.AUTOMATIC)
        )
        assert response.status_code == 200
        assert len(standin.deliveries) == 1

    @pytest.mark.parametrize(
        ("payload", "code"),
        [(XXE, "USIKKER_XML"), (BOMB, "USIKKER_XML"), (XXE_UTF16, "USIKKER_XML")],
        ids=["xxe", "bomb", "xxe-utf16"],
    )
    async def test_hostile_documents_are_refused_unread(self, standin, payload, code):
        response = await post(standin, payload)
        assert (response.status_code, code_of(response)) == (400, code)
        assert b"root:" not in response.content
        assert standin.deliveries == {}

    @pytest.mark.parametrize(
        ("edit", "where"),
        [
            (drop(".//memo:messageUUID"), "MessageHeader/messageUUID"),
            (
                set_text(".//memo:messageUUID", str(uuid.uuid5(uuid.NAMESPACE_URL, "x"))),
                "messageUUID",
            ),
            (drop(".//memo:Recipient"), "MessageHeader/Recipient"),
            (drop(".//memo:MainDocument"), "MessageBody/MainDocument"),
            (set_text(".//memo:content", "not base64!"), "content"),
            (set_text(".//memo:filename", "a/b.pdf"), "filename"),
            (set_text(".//memo:createdDateTime", "2026-11-25T10:00:00+01:00"), "createdDateTime"),
            (
                lambda root: root.find("memo:Message", NS).set("memoSchVersion", "1.1.0"),
                "memoVersion",
            ),
            (set_text("KombiValgKode", "Brevdue"), "KombiValgKode"),
        ],
    )
    async def test_incomplete_or_wrong_memo_is_refused_with_its_place(self, standin, edit, where):
        response = await post(standin, edited(edit))
        assert response.status_code == 400
        [(code, place)] = standin.refusals
        assert code in {"UGYLDIG_MEMO", "UGYLDIG_KOMBIVALG"}
        assert where in place
        assert MOTHER not in place
        assert standin.deliveries == {}

    async def test_the_default_namespace_form_is_refused(self, standin):
        body = kombi_request(letter(recipient=MOTHER), KombiChoice.AUTOMATIC)
        unprefixed = body.replace(b"memo:", b"").replace(b"xmlns:memo=", b"xmlns=")
        response = await post(standin, unprefixed)
        assert (response.status_code, code_of(response)) == (400, "UGYLDIG_MEMO")

    async def test_a_missing_transaction_id_is_refused(self, standin):
        headers = {k: v for k, v in HEADERS.items() if k != "x-TransaktionsId"}
        body = kombi_request(letter(recipient=MOTHER), KombiChoice.AUTOMATIC)
        response = await post(standin, body, headers)
        assert (response.status_code, code_of(response)) == (400, "MANGLER_TRANSAKTIONSID")

    async def test_a_wrong_content_type_is_refused(self, standin):
        body = kombi_request(letter(recipient=MOTHER), KombiChoice.AUTOMATIC)
        response = await post(standin, body, {**HEADERS, "content-type": "text/plain"})
        assert response.status_code == 415

    async def test_the_receipt_feed_needs_a_numeric_cursor(self, standin):
        async with httpx.AsyncClient(
            base_url="https://sf1601.test", transport=standin.transport()
        ) as http:
            token = await tokens_on(http).token(SENDER.cvr)
            authorised = {**HEADERS, "authorization": token.authorization}
            response = await http.get(RECEIPTS_PATH, params={"since": "x"}, headers=authorised)
        assert (response.status_code, code_of(response)) == (400, "UGYLDIG_SINCE")


class TestAgreesWithTheSchema:
    @settings(max_examples=40)
    @given(letters())
    def test_every_letter_the_builder_makes_passes_the_structural_check(self, generated):
        body = kombi_request(generated, KombiChoice.AUTOMATIC)
        inbound = check_kombi(parse_xml(body))
        assert inbound.message_uuid == generated.message_uuid
        assert inbound.recipient_id == generated.recipient.reveal()


class TestInMemoryDigitalPost:
    async def test_records_what_was_sent_and_reports_later(self):
        post_office = InMemoryDigitalPost({CHILD: Reach.PRINT_ONLY})
        receipt = await post_office.send(letter(recipient=CHILD))
        assert receipt.channel is Channel.PRINT
        assert [sent.recipient.reveal() for sent in post_office.sent] == [CHILD]
        [printed] = (await post_office.receipts(since=0)).receipts
        assert printed.outcome is Outcome.PRINTED

    async def test_recognises_a_redelivery(self):
        post_office = InMemoryDigitalPost()
        first = await post_office.send(letter("evt-1"))
        assert await post_office.send(letter("evt-1")) == first
        assert (len(post_office.sent), post_office.duplicates) == (1, 1)

    async def test_rejects_unknown_people_when_told_to(self):
        post_office = InMemoryDigitalPost({}, default=None)
        with pytest.raises(RecipientRejectedError) as caught:
            await post_office.send(letter(recipient=MOTHER))
        assert MOTHER not in str(caught.value)

    async def test_failure_switches(self):
        post_office = InMemoryDigitalPost()
        post_office.down = True
        with pytest.raises(DigitalPostUnavailableError):
            await post_office.send(letter())
        with pytest.raises(DigitalPostUnavailableError):
            await post_office.receipts(since=0)
        post_office.down, post_office.refused = False, True
        with pytest.raises(DigitalPostRefusedError):
            await post_office.send(letter())
        assert post_office.sent == []

    async def test_the_cursor_moves_on(self):
        post_office = InMemoryDigitalPost()
        await post_office.send(letter("evt-1"))
        page = await post_office.receipts(since=0)
        await post_office.send(letter("evt-2"))
        later = await post_office.receipts(since=page.next_since)
        assert [r.message_id for r in later.receipts] == ["evt-2"]
