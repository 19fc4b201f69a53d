"""An event sent twice in a row is handled once, also before the first copy is committed.

A case system that retries after a timeout sends the same event (same id) again at once:
both copies can come in one fetched batch, or the second in the next batch, before the
first copy's outcome is committed and its id stored as processed. The second copy has the
first's outcome. When the first's follow-up is not acknowledged, nothing of the batch is
committed: both come again, and the event is handled then.

The delivery policy runs here without a broker (tests/offline_delivery.py), with a consumer
that records commits and seeks, and the hub's publisher on a producer whose
acknowledgements the test decides.
"""

import asyncio
from types import SimpleNamespace

import pytest
from aiokafka.errors import KafkaTimeoutError

from contracts.envelope import follow_up
from hub.runtime.delivery import Backoff, CircuitBreaker, Delivery
from hub.runtime.publisher import EventPublisher
from hub.runtime.quarantine import Quarantine
from tests.adapters.archive.events import case_opened
from tests.offline_delivery import RecordingBroker, fetched_batch
from tests.state import delivery_store

GROUP = "repeats"


class Batch:
    def __init__(self, producer):
        self._producer = producer

    def append(self, *, key, value, timestamp, headers):
        del key, value, timestamp, headers
        self._producer.sent += 1
        return object()  # aiokafka returns the record's metadata; None means full

    def close(self):
        pass


class Producer:
    """Takes every record; acknowledges each batch, or fails it once ``fail`` is set."""

    def __init__(self):
        self.sent = 0
        self.fail = False
        self.error: BaseException = KafkaTimeoutError()

    async def start(self):
        """A renewed producer (after a failed batch) is this one again."""

    async def stop(self):
        pass

    async def partitions_for(self, _topic):
        return {0}

    def create_batch(self):
        return Batch(self)

    async def send_batch(self, _batch, _topic, *, partition):
        del partition
        acknowledged = asyncio.get_running_loop().create_future()
        if self.fail:
            acknowledged.set_exception(self.error)
        else:
            acknowledged.set_result(None)
        return acknowledged


class Consumer:
    def __init__(self):
        self.commits = []
        self.seeks = []

    async def committed(self, _partition):
        return None

    def seek(self, partition, offset):
        self.seeks.append((partition.partition, offset))

    async def commit(self, offsets):
        self.commits.append({tp.partition: offset for tp, offset in offsets.items()})


@pytest.fixture
async def hub():
    store = await delivery_store(GROUP)
    producer = Producer()
    publisher = EventPublisher({}, new_producer=lambda **_options: producer)
    publisher._producer = producer
    handled = []

    async def handler(event):
        handled.append(event.envelope.id)
        await publisher.publish(follow_up(event, event.data, source="urn:casehub:test"))

    quarantine = Quarantine()
    quarantine.bind(RecordingBroker())
    delivery = Delivery(
        group=GROUP,
        handler=handler,
        store=store,
        quarantine=quarantine,
        backoff=Backoff(base_s=0.01, max_s=0.02, max_attempts=3),
        breaker=CircuitBreaker(open_after_s=30, cooldown_s=5, max_cooldown_s=300),
        commit_interval_s=3600,  # the test commits
    )
    return SimpleNamespace(
        delivery=delivery, store=store, producer=producer, handled=handled, consumer=Consumer()
    )


def batch(consumer, *events, offset=0):
    return fetched_batch(*events, offset=offset, consumer=consumer)


async def test_the_same_event_twice_in_one_batch_is_handled_once(hub):
    event = case_opened("101", "C-repeat-1")
    await hub.delivery.on_batch(batch(hub.consumer, event, event))
    assert hub.handled == [event.envelope.id]
    assert hub.producer.sent == 1
    await hub.delivery.commit()
    assert hub.consumer.commits == [{0: 2}]
    assert hub.store.was_processed(event.envelope.id)


async def test_a_repeat_in_the_next_batch_before_the_commit_is_handled_once(hub):
    event = case_opened("101", "C-repeat-2")
    await hub.delivery.on_batch(batch(hub.consumer, event))
    await hub.delivery.on_batch(batch(hub.consumer, event, offset=1))
    assert hub.handled == [event.envelope.id]
    await hub.delivery.commit()
    assert hub.consumer.commits == [{0: 2}]


async def test_an_unacknowledged_first_copy_is_handled_again_when_both_come_again(hub):
    event = case_opened("101", "C-repeat-3")
    hub.producer.fail = True
    await hub.delivery.on_batch(batch(hub.consumer, event, event))
    await hub.delivery.commit()
    # Nothing committed, nothing remembered: the consumer goes back to the batch's start.
    assert (hub.consumer.commits, hub.consumer.seeks) == ([], [(0, 0)])
    assert not hub.store.was_processed(event.envelope.id)
    hub.producer.fail = False
    await hub.delivery.on_batch(batch(hub.consumer, event, event))
    await hub.delivery.commit()
    assert hub.handled == [event.envelope.id] * 2  # once per time the batch came
    assert hub.consumer.commits == [{0: 2}]
    assert hub.store.was_processed(event.envelope.id)


async def test_a_follow_up_that_fails_otherwise_than_kafka_is_not_passed_over(hub):
    # Not a KafkaError (a bug in a serializer, say): the batch must come again all the same.
    # Had the failure escaped the commit, the offsets it had taken out would be gone and the
    # batch never fetched again.
    event = case_opened("101", "C-other-1")
    hub.producer.fail, hub.producer.error = True, RuntimeError("not Kafka")
    await hub.delivery.on_batch(batch(hub.consumer, event))
    await hub.delivery.commit()
    assert (hub.consumer.commits, hub.consumer.seeks) == ([], [(0, 0)])
    assert not hub.store.was_processed(event.envelope.id), "it comes again, to be handled"
    hub.producer.fail = False
    await hub.delivery.on_batch(batch(hub.consumer, event))
    await hub.delivery.commit()
    assert hub.consumer.commits == [{0: 1}]
    assert hub.store.was_processed(event.envelope.id)
