"""The delivery's outcomes for sealed records whose key is gone or not here (no broker)."""

import uuid
from types import SimpleNamespace

import pytest

from contracts.binding import to_kafka
from hub.runtime.crypto import KEY_HEADER, child_subject
from hub.runtime.delivery import Backoff, BreakerState, CircuitBreaker, Delivery
from hub.runtime.quarantine import Quarantine
from routing.topics import topic_for
from tests.factories import notification_event
from tests.hub.crypto.memory import crypto_on
from tests.offline_delivery import RecordingBroker
from tests.people import CHILD
from tests.state import delivery_store


def batch(*records):
    return SimpleNamespace(raw_message=tuple(records), consumer=None)


def raw(record, topic, offset):
    return SimpleNamespace(
        topic=topic, partition=0, offset=offset, key=record.key, value=record.value,
        headers=list(record.headers),
    )  # fmt: skip


async def delivery_for(crypto, handled):
    async def handle(event):
        handled.append(event.envelope.id)

    broker = RecordingBroker()
    quarantine = Quarantine()
    quarantine.bind(broker)
    delivery = Delivery(
        group="casehub.sink",
        handler=handle,
        store=await delivery_store("casehub.sink"),
        quarantine=quarantine,
        backoff=Backoff(base_s=60, max_s=60, max_attempts=3),
        # Opens at the first transient failure of a system: a missing key must not count.
        breaker=CircuitBreaker(open_after_s=0, cooldown_s=60, max_cooldown_s=60),
        decode=crypto.decode,
    )
    return delivery, broker


@pytest.fixture
def case_events():
    first = notification_event("101", child_cpr=CHILD)
    second = notification_event("101", child_cpr=CHILD).model_copy(
        update={"envelope": first.envelope.model_copy(update={"id": str(uuid.uuid4())})}
    )
    return first, second


async def test_a_shredded_record_is_quarantined_and_its_case_flows_on(tmp_path, case_events):
    crypto, _, _ = crypto_on(tmp_path, "101")
    first, second = case_events
    old = await crypto.seal(first, to_kafka(first))
    await crypto.keys.shred("101", crypto.keys.subject("101", child_subject(CHILD)))
    new = await crypto.seal(second, to_kafka(second))  # same case, a new key
    handled: list[str] = []
    delivery, broker = await delivery_for(crypto, handled)
    where = topic_for(first)
    await delivery.on_batch(batch(raw(old, where, 0), raw(new, where, 1)))
    assert handled == [second.envelope.id]
    [(_, _, value, headers)] = broker.published
    assert headers["quarantine_reason"] == "key_shredded: the subject's data key was destroyed"
    assert value == old.value  # the original bytes, still sealed
    assert KEY_HEADER in headers


async def test_a_missing_data_key_is_retried_and_never_opens_the_breaker(tmp_path, case_events):
    crypto, _, table = crypto_on(tmp_path, "101")
    first, _ = case_events
    sealed = await crypto.seal(first, to_kafka(first))
    table.rows.clear()  # the key not read yet (or a forged key id)
    handled: list[str] = []
    delivery, broker = await delivery_for(crypto, handled)
    await delivery.on_batch(batch(raw(sealed, topic_for(first), 0)))
    assert handled == []
    assert broker.published == []  # parked for a retry, not quarantined yet
    assert delivery._store.parked_count() == 1
    assert delivery.breaker.state is BreakerState.CLOSED


async def test_a_record_claiming_another_municipality_never_has_its_key_looked_up(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101", "147")
    theirs = notification_event("147", child_cpr=CHILD)
    sealed = await crypto.seal(theirs, to_kafka(theirs))  # 147's record, 147's data key
    looked_up = []
    find = crypto.keys.find

    def spying(municipality, subject, key_id):
        looked_up.append(municipality)
        return find(municipality, subject, key_id)

    crypto.keys.find = spying
    handled: list[str] = []
    delivery, broker = await delivery_for(crypto, handled)
    ours = topic_for(notification_event("101", child_cpr=CHILD))
    await delivery.on_batch(batch(raw(sealed, ours, 0)))
    assert handled == []
    [(_, _, _, headers)] = broker.published
    assert headers["quarantine_reason"] == "tenant_mismatch: ce_municipality 147 on a topic of 101"
    assert looked_up == []  # refused before any of 147's keys was used
