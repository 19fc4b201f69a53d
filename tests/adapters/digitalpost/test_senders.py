"""A sender per municipality: settings, and letters of two municipalities on one hub."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree
from pydantic import ValidationError

from adapters.digitalpost import DigitalPostClient
from adapters.digitalpost.client import KOMBI_PATH
from adapters.digitalpost.component import _tokens as component_tokens
from adapters.digitalpost.memo import MEMO_NS
from adapters.digitalpost.sent import CURSOR_STORE, SENT_STORE, SentLetters
from adapters.digitalpost.settings import DigitalPostSettings
from adapters.digitalpost.standin import DigitalPostStandin, Reach
from adapters.digitalpost.token import use_key
from adapters.digitalpost.wiring import build_letter_sender
from contracts.cpr import Cpr
from contracts.envelope import new_event
from contracts.letters import LetterPurpose, LetterRequested
from hub.runtime.serve import serving
from hub.runtime.state import Store, Task, in_task
from tests.adapters.cpr.test_tls_cache_settings import write_self_signed
from tests.adapters.digitalpost.tokens import tokens_on
from tests.people import MOTHER
from tests.state import owned_table

DEFAULT = {"base_url": "https://sf1601.test", "sender_cvr": "29189617", "sender_label": "Kommunen"}
OWN = {
    "101": {"cvr": "64942212", "label": "Københavns Kommune"},
    "147": {"cvr": "11259979", "label": "Frederiksberg Kommune"},
}


def settings(**changes) -> DigitalPostSettings:
    return DigitalPostSettings.model_validate({**DEFAULT, **changes})


class TestSettings:
    def test_without_senders_every_municipality_has_the_default(self):
        plain = settings()
        assert plain.sender_for("101") == plain.sender == plain.sender_for("151")

    def test_a_listed_municipality_has_its_own_and_the_rest_the_default(self):
        own = settings(senders=OWN)
        assert (own.sender_for("101").cvr, own.sender_for("101").label) == (
            "64942212",
            "Københavns Kommune",
        )
        assert own.sender_for("147").cvr == "11259979"
        assert own.sender_for("151") == own.sender

    @pytest.mark.parametrize(
        ("senders", "where"),
        [
            ({"101": {"cvr": "1234567", "label": "x"}}, "cvr"),
            ({"101": {"cvr": "1234567a", "label": "x"}}, "cvr"),
            ({"999": {"cvr": "12345678", "label": "x"}}, "kommunekode"),
            ({"1010": {"cvr": "12345678", "label": "x"}}, "pattern"),
            ({"101": {"cvr": "12345678", "label": ""}}, "label"),
            ({"101": {"cvr": "12345678", "label": "x", "cert_file": "a.pem"}}, "together"),
            ({"101": {"cvr": "12345678", "label": "x", "colour": "red"}}, "colour"),
        ],
    )
    def test_a_wrong_sender_is_a_clear_settings_error(self, senders, where):
        with pytest.raises(ValidationError, match=where):
            settings(senders=senders)

    def test_the_default_cvr_is_eight_digits(self):
        with pytest.raises(ValidationError, match="sender_cvr"):
            settings(sender_cvr="2918961")

    def test_old_settings_still_read(self):
        assert settings(receipt_poll_s=1.0).senders == {}


def requested(municipality, letter_id):
    data = LetterRequested(
        letter_id=letter_id,
        recipient_cpr=Cpr(MOTHER),
        purpose=LetterPurpose.OTHER,
        title="Underretning modtaget",
        body="Kommunen har modtaget en underretning.",
    )
    return new_event(data, source="urn:test", municipality=municipality, case_id=f"C-{letter_id}")


async def test_letters_of_two_municipalities_carry_their_own_senders_in_the_memo():
    config = settings(senders=OWN)
    standin = DigitalPostStandin({MOTHER: Reach.DIGITAL})
    standin_handler = standin.handle
    senders_seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == KOMBI_PATH:
            [sender] = etree.fromstring(request.content).iter(f"{{{MEMO_NS}}}Sender")
            senders_seen.append(
                (sender.findtext(f"{{{MEMO_NS}}}senderID"), sender.findtext(f"{{{MEMO_NS}}}label"))
            )
        return standin_handler(request)

    http = httpx.AsyncClient(base_url="https://sf1601.test", transport=httpx.MockTransport(handler))
    cvrs = sorted({config.sender_cvr} | {s.cvr for s in config.senders.values()})
    post = DigitalPostClient(http, tokens=tokens_on(http, *cvrs), receipts_cvr=config.sender_cvr)
    tasks = [Task("101", 0), Task("147", 0), Task("151", 0)]
    table = await owned_table("test.digitalpost", tasks=tasks)
    sent = SentLetters(Store(table, SENT_STORE), Store(table, CURSOR_STORE))

    async def publish(_event):
        return "topic"

    send = build_letter_sender(
        post, sent, publish, senders=config.sender_for, source="urn:casehub:digitalpost"
    )
    for task, letter_id in zip(tasks, ["L-kbh", "L-frb", "L-bal"], strict=True):
        with in_task(task):
            await send(requested(task.municipality, letter_id))

    assert senders_seen == [
        ("64942212", "Københavns Kommune"),
        ("11259979", "Frederiksberg Kommune"),
        ("29189617", "Kommunen"),
    ]
    assert sorted(d.sender_cvr for d in standin.deliveries.values()) == sorted(cvrs)
    assert sorted(standin.sts_requests) == cvrs, "a token per agreement"


async def test_the_component_has_one_agreement_per_sender_each_with_its_certificate(tmp_path):
    cert_file, key_file = write_self_signed(tmp_path)
    standin = DigitalPostStandin({MOTHER: Reach.DIGITAL})
    async with serving(standin.asgi()) as url:
        own = {
            "101": {**OWN["101"], "cert_file": str(cert_file), "key_file": str(key_file)},
            "147": OWN["147"],
        }
        config = settings(base_url=url, senders=own)
        tokens, clients = component_tokens(config)
        for cvr in ("29189617", "64942212", "11259979"):
            await tokens.token(cvr)
        for client in clients:
            await client.aclose()
    assert sorted(standin.sts_requests) == ["11259979", "29189617", "64942212"]
    assert standin.use_keys["64942212"] == use_key(cert_file)
    assert standin.use_keys["64942212"].startswith("MII")
    assert "BEGIN" not in standin.use_keys["64942212"]
    assert standin.use_keys["29189617"] == standin.use_keys["11259979"] == ""  # no certificate
