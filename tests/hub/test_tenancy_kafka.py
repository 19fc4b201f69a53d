"""The tenant boundary on the real broker: a record is its topic's, whatever it claims.

A producer with write access to one municipality's topics forges records that claim another
municipality, or a type of another domain; the hub quarantines each with its reason, the
external system never sees a call for it, and the records after it (of the same case too)
flow.
"""

import uuid

import pytest

from contracts.binding import to_kafka
from contracts.cpr import Cpr
from contracts.envelope import follow_up_id, new_event
from contracts.municipalities import MUNICIPALITIES
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.compose.app import create_app
from hub.runtime.serve import serving
from routing.topics import quarantine_topic, topic
from tests.effects import recorder
from tests.factories import notification_event, submission
from tests.hub.test_delivery_kafka import (
    LOOKUP,
    ROUTES,
    effect_of,
    post_all,
    read_through,
    standin,  # noqa: F401 - the fixture
    until,
)
from tests.kafka import produce, read_topic, wait_for_records
from tests.people import CHILD

pytestmark = pytest.mark.kafka


@pytest.fixture
def settings(hub_settings):
    return hub_settings.model_copy(update={"routes": ROUTES})


def lookup_event(municipality, case_id):
    data = PersonLookupRequested(cpr=Cpr(CHILD), purpose=LookupPurpose.NOTIFICATION)
    return new_event(data, source="urn:forger", municipality=municipality, case_id=case_id)


def reason(record):
    return dict(record.headers)["quarantine_reason"].decode()


async def test_forged_municipality_and_domain_are_quarantined_never_handled(settings, standin):  # noqa: F811
    ours = settings.municipalities[0]
    theirs = next(code for code in sorted(MUNICIPALITIES) if code != ours)
    case = f"X-{uuid.uuid4().hex[:8]}"
    # On our person topic, a lookup claiming another municipality (the CPR call would carry
    # its InvocationContext); on our intake topic, a notification claiming it too, and a
    # person lookup that does not belong on the intake topic at all.
    forged_lookup = lookup_event(theirs, case)
    forged_notification = notification_event(theirs)
    misplaced = lookup_event(ours, case)
    before, after = submission(ours, case_id=case), submission(ours, case_id=case)
    recorder_group = f"{settings.group_prefix}.recorder".encode()
    async with serving(create_app(settings, extra=[recorder(standin.url)])) as url:
        await post_all(url, [before])
        for event, domain in (
            (forged_lookup, "person"),
            (forged_notification, "intake"),
            (misplaced, "intake"),
        ):
            record = to_kafka(event)
            await produce(
                settings.kafka,
                topic(domain, ours),
                record.value,
                key=record.key,
                headers=record.headers,
            )
        await post_all(url, [after])
        await until(lambda: len(standin.applied) == 2)
        await wait_for_records(
            settings.kafka,
            quarantine_topic(topic("person", ours)),
            lambda r: dict(r.headers)["quarantine_group"] == recorder_group,
        )
        await read_through(settings)
        person_q = await read_topic(settings.kafka, quarantine_topic(topic("person", ours)))
        intake_q = await read_topic(settings.kafka, quarantine_topic(topic("intake", ours)))
    assert standin.applied == {effect_of(before): 1, effect_of(after): 1}
    assert set(standin.calls) == {effect_of(before), effect_of(after)}
    assert forged_lookup.envelope.id not in standin.calls
    assert follow_up_id(forged_notification.envelope.id, LOOKUP) not in standin.calls
    assert [reason(r) for r in person_q] == [
        f"tenant_mismatch: ce_municipality {theirs} on a topic of {ours}"
    ]
    by_value: dict[bytes, set[str]] = {}
    for r in intake_q:
        by_value.setdefault(r.value, set()).add(reason(r))
    assert by_value == {
        to_kafka(forged_notification).value: {
            f"tenant_mismatch: ce_municipality {theirs} on a topic of {ours}"
        },
        to_kafka(misplaced).value: {f"wrong_topic: {LOOKUP} belongs to person, not intake"},
    }
