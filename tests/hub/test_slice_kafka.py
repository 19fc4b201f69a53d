"""The first end-to-end slice on the real broker: HTTP intake → triage → person lookup."""

import json

import httpx
import pytest

from contracts.binding import from_kafka, to_kafka
from contracts.person import PersonLookupRequested
from hub.compose.app import create_app
from hub.runtime.quarantine import original_headers
from hub.runtime.serve import serving
from routing.topics import quarantine_topic, topic
from tests.callers import signing
from tests.factories import notification_event, submission
from tests.kafka import produce, read_topic, wait_for_records
from tests.people import CHILD

pytestmark = pytest.mark.kafka


def header(record, name):
    return dict(record.headers).get(name, b"").decode()


async def test_notification_reaches_the_person_lookup(hub_settings):
    municipality = hub_settings.municipalities[0]
    async with (
        serving(create_app(hub_settings)) as url,
        httpx.AsyncClient(base_url=url, auth=signing()) as http,
    ):
        answer = await http.post("/notifications", json=submission(municipality))
        assert answer.status_code == 202
        accepted = answer.json()
        (record,) = await wait_for_records(
            hub_settings.kafka,
            topic("person", municipality),
            lambda r: header(r, "ce_causationid") == accepted["event_id"],
        )
    assert record.key.decode() == accepted["case_id"]
    event = from_kafka(record.headers, record.value)
    assert isinstance(event.data, PersonLookupRequested)
    assert event.data.cpr.reveal() == CHILD
    assert event.envelope.correlationid == accepted["event_id"]
    intake = await read_topic(hub_settings.kafka, topic("intake", municipality))
    assert [header(r, "ce_id") for r in intake] == [accepted["event_id"]]


async def test_bad_submission_publishes_nothing(hub_settings):
    municipality = hub_settings.municipalities[0]
    async with (
        serving(create_app(hub_settings)) as url,
        httpx.AsyncClient(base_url=url, auth=signing()) as http,
    ):
        answer = await http.post("/notifications", json=submission(municipality, child_cpr="123"))
        assert answer.status_code == 422
        assert answer.json()["problems"] == [
            {"field": "child_cpr", "problem": "not a CPR number: expected DDMMYY-SSSS"}
        ]
    assert await read_topic(hub_settings.kafka, topic("intake", municipality)) == []


async def test_invalid_record_is_quarantined_whole_and_another_case_still_flows(hub_settings):
    municipality = hub_settings.municipalities[0]
    intake = topic("intake", municipality)
    bootstrap = hub_settings.kafka
    good = notification_event(municipality)
    good_record = to_kafka(good)
    bad_record = to_kafka(notification_event(municipality))
    bad_cpr = CHILD[:2] + "13" + CHILD[4:]
    bad_value = json.dumps({**json.loads(bad_record.value), "child_cpr": bad_cpr}).encode()
    bad_headers = [*bad_record.headers, ("x-trace", b"\xff\x00raw")]
    async with serving(create_app(hub_settings)):
        await produce(bootstrap, intake, bad_value, key=bad_record.key, headers=bad_headers)
        await produce(
            bootstrap, intake, good_record.value, key=good_record.key, headers=good_record.headers
        )
        # Two components read the intake topic (triage and the legal clock); each decides for
        # itself, so each quarantines its own copy, once.
        copies = await wait_for_records(
            bootstrap, quarantine_topic(intake), lambda _: True, count=2
        )
        (handled,) = await wait_for_records(
            bootstrap,
            topic("person", municipality),
            lambda r: header(r, "ce_causationid") == good.envelope.id,
        )
    groups = sorted(header(r, "quarantine_group") for r in copies)
    prefix = hub_settings.group_prefix
    assert groups == [f"{prefix}.deadlines", f"{prefix}.triage"]
    (quarantined,) = [r for r in copies if header(r, "quarantine_group") == f"{prefix}.triage"]
    assert quarantined.value == bad_value
    assert quarantined.key == bad_record.key
    readable = {k: v.decode(errors="replace") for k, v in quarantined.headers}
    assert original_headers(readable) == bad_headers
    assert readable["quarantine_error"] == "ContractError"
    assert readable["quarantine_reason"] == "data.child_cpr: not a CPR number: no such birth date"
    assert readable["quarantine_topic"] == intake
    assert bad_cpr not in readable["quarantine_reason"]
    assert handled.key == good_record.key
    person = await read_topic(bootstrap, topic("person", municipality))
    assert len(person) == 1  # the bad record was never handled
