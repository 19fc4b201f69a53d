"""Publisher, real broker: batched records land once, in case order, where send() puts them."""

from __future__ import annotations

import asyncio

import pytest

from hub.compose.app import producer_options
from hub.runtime.errors import TransientError
from hub.runtime.provision import ensure_topics, hub_topics
from hub.runtime.publisher import EventPublisher, confirm_later
from routing.topics import topic_for
from tests.adapters.archive.events import case_opened, document_filed
from tests.kafka import produce, read_topic

pytestmark = pytest.mark.kafka


async def test_batched_publishes_land_once_in_case_order_on_the_partition_send_picks(
    hub_settings,
):
    (municipality,) = hub_settings.municipalities
    bootstrap = hub_settings.kafka
    await ensure_topics(bootstrap, hub_topics([municipality]), partitions=3, replication=1)
    events = [case_opened(municipality, f"C-batch-{n % 7}") for n in range(150)]
    publisher = EventPublisher(producer_options(hub_settings))
    await publisher.start()
    try:
        pending: list[asyncio.Future[object]] = []

        async def deferred(part):  # two deliveries' handlers, interleaved on one publisher
            with confirm_later(pending):
                for event in part:
                    await publisher.publish(event)
                    await asyncio.sleep(0)

        # More records than fit one batch per partition (16 KiB), from two tasks at once,
        # then some published outside a delivery (each waits for its acknowledgement).
        await asyncio.gather(deferred(events[0:120:2]), deferred(events[1:120:2]))
        for event in events[120:]:
            await publisher.publish(event)
        await asyncio.gather(*pending)
    finally:
        await publisher.stop()
    name = topic_for(events[0])
    records = await read_topic(bootstrap, name)
    ids = [dict(r.headers)["ce_id"].decode() for r in records]
    assert sorted(ids) == sorted(e.envelope.id for e in events)
    for case in {e.envelope.caseid for e in events}:
        of_case = [r for r in records if r.key == case.encode()]
        assert len({r.partition for r in of_case}) == 1
        # In the order each task published them (tasks interleave, a task's order holds).
        order = {e.envelope.id: n for n, e in enumerate(events)}
        seen = [
            order[dict(r.headers)["ce_id"].decode()]
            for r in sorted(of_case, key=lambda r: r.offset)
        ]
        for task in (0, 1):
            mine = [n for n in seen if n < 120 and n % 2 == task]
            assert mine == sorted(mine)
        assert [n for n in seen if n >= 120] == sorted(n for n in seen if n >= 120)
        marker = await produce(bootstrap, name, b"{}", key=case.encode())
        assert marker.partition == of_case[0].partition


async def test_a_failed_batch_does_not_break_its_partition_for_the_next_publishes(hub_settings):
    # After a failed batch the publisher replaces its producer (aiokafka leaves a gap in the
    # partition's sequence when it fails a batch unsent, see the module doc); the records
    # after it go out through the new one. A refused batch is the failure a test can cause.
    (municipality,) = hub_settings.municipalities
    bootstrap = hub_settings.kafka
    # The topic takes records up to 900 bytes; the publisher's own limit is 1 MiB, so the
    # broker, not the publisher, refuses the large one.
    await ensure_topics(
        bootstrap, hub_topics([municipality]), partitions=1, replication=1, max_record_bytes=900
    )
    large = document_filed(municipality, "C-gap")
    large = large.model_copy(update={"data": large.data.model_copy(update={"title": "T" * 500})})
    small = [case_opened(municipality, "C-gap") for _ in range(3)]
    publisher = EventPublisher(producer_options(hub_settings))
    await publisher.start()
    try:
        await publisher.publish(small[0])  # the broker knows the producer's sequence now
        with pytest.raises(TransientError, match="MessageSizeTooLargeError"):
            await publisher.publish(large)
        for event in small[1:]:
            await publisher.publish(event)
    finally:
        await publisher.stop()
    records = await read_topic(bootstrap, topic_for(small[0]))
    assert [dict(r.headers)["ce_id"].decode() for r in records] == [e.envelope.id for e in small]
