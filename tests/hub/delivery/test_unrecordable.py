"""A record whose outcome cannot be recorded now is rewound; one too large never is.

Without a broker (tests/offline_delivery.py): the quarantine publishes on a broker that
refuses, as aiokafka's producer does, copies above the quarantine's limit, or that cannot be
reached at all. The consumer records seeks and commits.
"""

import asyncio
from types import SimpleNamespace

import pytest

from contracts.binding import to_kafka
from hub.runtime.delivery import (
    Backoff,
    CircuitBreaker,
    Delivery,
    ParkedState,
    StoredRecord,
)
from hub.runtime.errors import UnavailableError
from hub.runtime.provision import DEFAULT_MAX_RECORD_BYTES
from hub.runtime.quarantine import Quarantine, quarantine_limit
from hub.runtime.state import MemoryChangelog
from tests.adapters.archive.events import case_opened
from tests.offline_delivery import Consumer, RecordingBroker, SizedBroker, fetched_batch
from tests.state import delivery_store

GROUP = "unrecordable"


@pytest.fixture
async def hub():
    store = await delivery_store(GROUP)
    broker = SizedBroker(quarantine_limit(DEFAULT_MAX_RECORD_BYTES))
    quarantine = Quarantine()
    quarantine.bind(broker)
    handled = []

    async def handler(event):
        handled.append(event.envelope.caseid)

    delivery = Delivery(
        group=GROUP,
        handler=handler,
        store=store,
        quarantine=quarantine,
        backoff=Backoff(base_s=0.01, max_s=0.02, max_attempts=1),
        breaker=CircuitBreaker(open_after_s=30, cooldown_s=5, max_cooldown_s=300),
        commit_interval_s=3600,  # the test commits
        pause_s=0.05,
    )
    return SimpleNamespace(
        delivery=delivery, store=store, broker=broker, handled=handled, consumer=Consumer()
    )


def with_oversized_first(consumer, case, *behind):
    """A batch: an invalid record of ``case`` too large for a whole copy, then ``behind``."""
    batch = fetched_batch(*behind, offset=1, consumer=consumer)
    template = batch.raw_message[0]
    oversized = SimpleNamespace(
        topic=template.topic, partition=0, offset=0, key=case.encode(),
        value=b"{not json" + b" " * 3_500_000, headers=template.headers,
    )  # fmt: skip
    return SimpleNamespace(raw_message=(oversized, *batch.raw_message), consumer=consumer)


async def test_a_record_too_large_for_a_whole_copy_gets_a_bounded_one_and_no_rewind(hub):
    same, other = case_opened("101", "C-big"), case_opened("101", "C-other")
    await hub.delivery.on_batch(with_oversized_first(hub.consumer, "C-big", same, other))
    await hub.delivery.commit()
    assert hub.consumer.seeks == []
    assert hub.consumer.commits == [{0: 3}]
    ((_topic, key, value, headers),) = hub.broker.published
    assert (key, value, hub.broker.refused) == (b"C-big", b"", 1)
    assert "quarantine copy truncated: value 3500009 bytes not kept" in headers["quarantine_reason"]
    assert hub.handled == ["C-other"], "its case waits behind it; the other case flows"
    assert hub.store.parked_count() == 2


async def test_a_broker_that_cannot_be_reached_rewinds_the_record_to_come_again(hub):
    same, other = case_opened("101", "C-big"), case_opened("101", "C-other")
    hub.broker.down = True
    with pytest.raises(Exception, match="KafkaConnectionError"):
        await hub.delivery.on_batch(with_oversized_first(hub.consumer, "C-big", same, other))
    await hub.delivery.commit()
    assert hub.consumer.seeks == [(0, 0)]
    assert hub.consumer.commits == []
    assert hub.handled == []
    hub.broker.down = False
    await hub.delivery.on_batch(with_oversized_first(hub.consumer, "C-big", same, other))
    await hub.delivery.commit()
    assert hub.consumer.commits == [{0: 3}]
    assert len(hub.broker.published) == 1


async def test_the_retrier_outlives_a_quarantine_it_cannot_write_and_tries_again(hub):
    event = case_opened("101", "C-retry")
    kafka = to_kafka(event)
    record = StoredRecord(
        topic="casehub.101.case.v1", partition=0, offset=5, key=kafka.key,
        value=b"{not json", headers=kafka.headers,
    )  # fmt: skip
    hub.store.park("C-retry", record, state=ParkedState.RETRY, attempt=1, due_at=0.0, reason="r")
    hub.broker.down = True
    retrier = asyncio.create_task(hub.delivery.run_retrier())
    try:
        async with asyncio.timeout(10):
            while hub.broker.attempts < 3:  # tried again after each pause
                await asyncio.sleep(0.01)
            assert not retrier.done()
            hub.broker.down = False
            while not hub.broker.published:
                await asyncio.sleep(0.01)
    finally:
        retrier.cancel()
        with pytest.raises(asyncio.CancelledError):
            await retrier
    assert hub.broker.published[0][3]["quarantine_offset"] == "5"


async def test_a_record_too_large_to_park_is_quarantined_and_the_group_still_commits():
    # A topic an operator gave a larger limit than the hub's: a record that fails
    # transiently would make a parked row the changelog refuses at every flush, and no
    # offset of the group would be committed again.
    limit = 20_000
    changelog = MemoryChangelog(max_record_bytes=limit)
    store = await delivery_store(GROUP, changelog, max_row_bytes=limit)
    broker = RecordingBroker()
    quarantine = Quarantine()
    quarantine.bind(broker)
    handled = []

    async def handler(event):
        if event.envelope.caseid == "C-big":
            raise UnavailableError("the service is busy (test)")
        handled.append(event.envelope.caseid)

    delivery = Delivery(
        group=GROUP, handler=handler, store=store, quarantine=quarantine,
        backoff=Backoff(base_s=60, max_s=60, max_attempts=5),
        breaker=CircuitBreaker(open_after_s=30, cooldown_s=5, max_cooldown_s=300),
        commit_interval_s=3600,
    )  # fmt: skip
    consumer = Consumer()
    big, behind, other = (case_opened("101", c) for c in ("C-big", "C-big", "C-other"))
    batch = fetched_batch(big, behind, other, consumer=consumer)
    batch.raw_message[0].value += b" " * 50_000  # still valid JSON, now too large to park
    await delivery.on_batch(batch)
    await delivery.commit()
    assert consumer.commits == [{0: 3}], "the state was flushed and the offsets committed"
    ((_topic, _key, _value, headers),) = broker.published
    assert headers["quarantine_error"] == "RowTooLargeError"
    head = store.head("C-big", "casehub.101.case.v1")
    assert head is not None
    assert (head.state, head.record.value) == (ParkedState.QUARANTINED, None)
    assert store.parked_count() == 2, "its case waits behind it for the replay"
    assert handled == ["C-other"]
    again = await delivery_store(GROUP, changelog)
    assert again.parked_count() == 2, "and the changelog has the rows"
