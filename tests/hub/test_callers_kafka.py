"""On the real broker: no valid caller, or another municipality's, and nothing is published."""

import time

import httpx
import pytest

from hub.compose.app import create_app
from hub.runtime.callers import SignedRequests
from hub.runtime.serve import serving
from routing.topics import topic
from tests.callers import CALLER, SECRET, caller_settings, signing
from tests.factories import submission
from tests.kafka import read_topic, wait_for_records
from tests.people import CHILD

pytestmark = pytest.mark.kafka

OTHER = "other-form-system"
OTHER_SECRET = b"synthetic-secret-of-the-other-form-system-0002"
PDF = b"%PDF-1.7\n" + b"z" * 500 + b"\n%%EOF\n"


def header(record, name):
    return dict(record.headers).get(name, b"").decode()


async def test_unsigned_forged_expired_and_foreign_requests_publish_nothing(
    hub_settings, fresh_municipality, tmp_path
):
    municipality = hub_settings.municipalities[0]
    # A second form system, bound to another municipality than the one this hub serves.
    other = caller_settings(tmp_path / "other", [fresh_municipality()], caller=OTHER,
                            secret=OTHER_SECRET)  # fmt: skip
    settings = hub_settings.model_copy(update={"callers": hub_settings.callers | other})
    body = submission(municipality, child_cpr=CHILD)
    document = {
        "content-type": "application/pdf",
        "x-casehub-municipality": municipality,
        "x-casehub-file-name": "afgoerelse.pdf",
    }
    refusals = {
        "unsigned": None,
        "forged": signed_as(CALLER, OTHER_SECRET),
        "expired": signed_as(CALLER, SECRET, skew_s=-(hub_settings.signature_window_s + 60)),
        "foreign": signed_as(OTHER, OTHER_SECRET),
    }
    answers, fields = {}, {}
    async with serving(create_app(settings)) as url:
        for name, auth in refusals.items():
            async with httpx.AsyncClient(base_url=url, auth=auth) as http:
                notified = await http.post("/notifications", json=body)
                uploaded = await http.post("/documents", content=PDF, headers=document)
            answers[name] = (notified.status_code, uploaded.status_code)
            fields[name] = {a.json()["problems"][0]["field"] for a in (notified, uploaded)}
            assert CHILD not in notified.text + uploaded.text
        async with httpx.AsyncClient(base_url=url, auth=signing()) as http:
            accepted = await http.post("/notifications", json=body)
        assert accepted.status_code == 202
        event_id = accepted.json()["event_id"]
        bootstrap = settings.kafka
        intake = topic("intake", municipality)
        await wait_for_records(bootstrap, intake, lambda r: header(r, "ce_id") == event_id)

    assert answers == {
        "unsigned": (401, 401),
        "forged": (401, 401),
        "expired": (401, 401),
        "foreign": (403, 403),
    }
    assert fields == {
        "unsigned": {"x-casehub-caller"},
        "forged": {"x-casehub-signature"},
        "expired": {"x-casehub-timestamp"},
        "foreign": {"municipality"},
    }
    # Only the signed submission reached the broker; no document was stored.
    assert [header(r, "ce_id") for r in await read_topic(bootstrap, intake)] == [event_id]
    documents = settings.state_dir / "documents"
    assert not [p for p in documents.rglob("*") if p.is_file()]


def signed_as(caller, secret, *, skew_s=0.0):
    return SignedRequests(caller, secret, clock=lambda: time.time() + skew_s)
