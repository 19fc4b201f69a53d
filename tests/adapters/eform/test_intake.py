"""The intake's HTTP contract, with a recording publisher in place of the broker."""

import httpx
import pytest

from adapters.eform import build_intake
from hub.errors import TransientError
from routing.topics import topic_for
from tests.factories import submission
from tests.people import CHILD, MOTHER


class RecordingPublisher:
    def __init__(self, *, down=False):
        self.published = []
        self.down = down

    async def __call__(self, event):
        if self.down:
            raise TransientError("publish to casehub.101.intake.v1 failed: KafkaTimeoutError")
        self.published.append(event)
        return topic_for(event)


@pytest.fixture
def publisher():
    return RecordingPublisher()


@pytest.fixture
async def client(publisher):
    app = build_intake(publisher, source="urn:casehub:test", max_bytes=4096)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake"
    ) as c:
        yield c


async def test_valid_submission_is_published_and_accepted(client, publisher):
    answer = await client.post("/notifications", json=submission())
    assert answer.status_code == 202
    (event,) = publisher.published
    assert answer.json() == {
        "event_id": event.envelope.id,
        "case_id": event.envelope.caseid,
        "topic": "casehub.101.intake.v1",
    }
    assert event.data.child_cpr.reveal() == CHILD


async def test_resubmission_keeps_event_and_case_id(client, publisher):
    body = submission()
    first = (await client.post("/notifications", json=body)).json()
    second = (await client.post("/notifications", json=body)).json()
    assert first == second
    assert len(publisher.published) == 1  # the same event: published once


async def test_unborn_child_is_registered_on_the_mother(client, publisher):
    body = submission(unborn=True, mother_cpr=MOTHER, reasons=["unborn_child"])
    del body["child_cpr"]
    assert (await client.post("/notifications", json=body)).status_code == 202
    assert publisher.published[0].data.registered_cpr.reveal() == MOTHER


async def test_invalid_submission_names_fields_and_never_echoes_a_cpr(client, publisher):
    bad_cpr = CHILD[:2] + "13" + CHILD[4:]
    body = submission(child_cpr=bad_cpr, reasons=[], municipality="999")
    answer = await client.post("/notifications", json=body)
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert {p["field"] for p in problems} == {"municipality", "child_cpr", "reasons"}
    assert "no such birth date" in answer.text
    assert bad_cpr not in answer.text
    assert publisher.published == []


async def test_cross_field_rule_is_reported(client, publisher):
    answer = await client.post("/notifications", json=submission(mother_cpr=MOTHER))
    assert answer.status_code == 422
    assert "mother_cpr is for an unborn child only" in answer.text
    assert MOTHER not in answer.text
    assert publisher.published == []


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b"<xml/>", "application/xml", 415),
        (b'{"summary": "' + b"x" * 5000 + b'"}', "application/json", 413),
    ],
)
async def test_unusable_bodies(client, publisher, content, content_type, status):
    answer = await client.post(
        "/notifications", content=content, headers={"content-type": content_type}
    )
    assert answer.status_code == status
    assert answer.json()["problems"]
    assert publisher.published == []


async def test_broker_down_answers_503_with_retry_after():
    app = build_intake(RecordingPublisher(down=True), source="urn:casehub:test", max_bytes=4096)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake"
    ) as c:
        answer = await c.post("/notifications", json=submission())
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
