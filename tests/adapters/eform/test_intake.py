"""The intake's HTTP contract, with a recording publisher in place of the broker."""

import asyncio

import httpx
import pytest

from adapters.eform import build_intake
from hub.runtime.errors import TransientError
from routing.topics import topic_for
from tests.callers import signed_app, signed_client
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
    async with signed_client(signed_app(app), "http://intake") as c:
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
    async with signed_client(signed_app(app), "http://intake") as c:
        answer = await c.post("/notifications", json=submission())
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"


# Hostile input, one finding of the outside review each (the fuzz in test_fuzz.py mixes them).

HYPHENATED = CHILD[:6] + "-" + CHILD[6:]


@pytest.fixture
async def served(publisher):
    app = build_intake(
        publisher, source="urn:casehub:test", max_bytes=4096, municipalities=("101",)
    )
    async with signed_client(signed_app(app), "http://intake") as c:
        yield c


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("submission_id", CHILD),
        ("submission_id", HYPHENATED),
        ("submission_id", f"form-{CHILD}-2"),
        ("case_id", CHILD),
        ("case_id", f"N-{HYPHENATED}"),
    ],
)
async def test_a_cpr_shaped_id_is_refused_by_name_without_echo(served, publisher, name, value):
    answer = await served.post("/notifications", json=submission(**{name: value}))
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {"field": name, "problem": "an id must not hold a CPR number"}
    ]
    assert CHILD not in answer.text
    assert CHILD[6:] not in answer.text
    assert publisher.published == []


async def test_an_unknown_key_is_reported_without_its_name(served):
    body = submission()
    body[CHILD] = "x"
    body["notifier"][HYPHENATED] = "y"
    answer = await served.post("/notifications", json=body)
    assert answer.status_code == 422
    assert {(p["field"], p["problem"]) for p in answer.json()["problems"]} == {
        ("body", "unknown field (its name is not repeated)"),
        ("notifier", "unknown field (its name is not repeated)"),
    }
    assert CHILD[6:] not in answer.text


@pytest.mark.parametrize("digits", [0xFF10, 0x0660])  # full-width, Arabic-Indic
async def test_a_cpr_number_is_ascii_digits_only(served, digits):
    other = "".join(chr(digits + int(c)) for c in CHILD)
    answer = await served.post("/notifications", json=submission(child_cpr=other))
    assert answer.status_code == 422
    assert [p["field"] for p in answer.json()["problems"]] == ["child_cpr"]
    assert other not in answer.text


@pytest.mark.parametrize(
    "received_at",
    [
        "1234567890",
        1234567890,
        "1900-01-01T00:00:00+01:00",
        "2099-01-01T00:00:00Z",
        "2026-11-25T10:00:00",
        "2020-01-01T00:00:00Z",  # older than the intake's window
    ],
)
async def test_received_at_is_rfc3339_with_offset_inside_the_window(served, received_at):
    answer = await served.post("/notifications", json=submission(received_at=received_at))
    assert answer.status_code == 422
    assert [p["field"] for p in answer.json()["problems"]] == ["received_at"]


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
async def test_deep_json_is_400_never_500(depth):
    app = build_intake(RecordingPublisher(), source="urn:casehub:test", max_bytes=1 << 20)
    body = b'{"summary": ' + b"[" * depth + b"]" * depth + b"}"
    async with signed_client(signed_app(app), "http://intake") as c:
        answer = await c.post(
            "/notifications", content=body, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 400
    assert answer.json()["problems"] == [
        {"field": "body", "problem": "nested deeper than 32 levels"}
    ]


async def test_an_unserved_municipality_is_refused_at_once(served, publisher):
    answer = await served.post("/notifications", json=submission("147"))
    assert answer.status_code == 422
    assert [p["field"] for p in answer.json()["problems"]] == ["municipality"]
    assert publisher.published == []


async def test_the_child_and_mother_rule_names_its_fields(served):
    answer = await served.post("/notifications", json=submission(mother_cpr=MOTHER))
    assert [p["field"] for p in answer.json()["problems"]] == ["unborn, child_cpr, mother_cpr"]


class SlowPublisher:
    """A broker that takes its time: each publish waits until the test lets it finish."""

    def __init__(self):
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self, event):
        self.calls += 1
        await self.release.wait()
        return topic_for(event)


async def test_a_slow_broker_gets_503_within_the_bound_and_the_retry_publishes_once():
    publisher = SlowPublisher()
    app = build_intake(publisher, source="urn:casehub:test", max_bytes=4096, publish_timeout_s=0.2)
    body = submission()
    async with signed_client(signed_app(app), "http://intake") as c:
        first = await c.post("/notifications", json=body)
        second = await c.post("/notifications", json=body)  # joins the first publication
        publisher.release.set()
        await asyncio.sleep(0)  # the publication finishes (no broker here to wait on)
        third = await c.post("/notifications", json=body)
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 202)
    assert first.headers["retry-after"] == "1"
    assert publisher.calls == 1


async def test_a_caller_posts_only_for_its_own_municipalities(publisher):
    app = build_intake(publisher, source="urn:casehub:test", max_bytes=4096)
    async with signed_client(signed_app(app, ["147"]), "http://intake") as c:
        other = await c.post("/notifications", json=submission("101"))
        assert publisher.published == []
        own = await c.post("/notifications", json=submission("147"))

    assert other.status_code == 403
    assert [p["field"] for p in other.json()["problems"]] == ["municipality"]
    assert CHILD not in other.text
    assert "101" not in other.text
    assert own.status_code == 202
    assert [e.envelope.municipality for e in publisher.published] == ["147"]


async def test_a_request_no_caller_signed_is_not_published(publisher):
    app = build_intake(publisher, source="urn:casehub:test", max_bytes=4096)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake"
    ) as c:
        answer = await c.post("/notifications", json=submission())

    assert answer.status_code == 403  # the bare intake: no verified caller acts for anyone
    assert publisher.published == []
