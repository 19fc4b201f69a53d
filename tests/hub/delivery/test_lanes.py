"""Per-case parking is per topic: a record waiting for its case's record on another topic
is not a deadlock, while the order within a topic still holds (the policy runs offline)."""

import asyncio
from types import SimpleNamespace

import pytest

from contracts.case import CaseOpened
from hub.runtime.delivery import Backoff, CircuitBreaker, Delivery
from hub.runtime.errors import TransientError
from hub.runtime.quarantine import Quarantine
from routing.topics import topic_for
from tests.adapters.archive.events import case_opened, document_filed
from tests.offline_delivery import RecordingBroker, fetched_batch
from tests.state import delivery_store

MUNICIPALITY = "101"
CASE = "C-lanes-1"


class Archive:
    """Files a document only in a case it knows, as the ESDH adapter does."""

    def __init__(self):
        self.known = set()
        self.handled = []

    async def handle(self, event):
        if isinstance(event.data, CaseOpened):
            self.known.add(event.envelope.caseid)
        elif event.envelope.caseid not in self.known:
            msg = "the case is not known yet"
            raise TransientError(msg)
        self.handled.append(event.envelope.id)


@pytest.fixture
async def hub():
    store = await delivery_store("archive")
    broker = RecordingBroker()
    quarantine = Quarantine()
    quarantine.bind(broker)
    archive = Archive()
    delivery = Delivery(
        group="archive",
        handler=archive.handle,
        store=store,
        quarantine=quarantine,
        backoff=Backoff(base_s=0.01, max_s=0.02, max_attempts=3),
        breaker=CircuitBreaker(open_after_s=30, cooldown_s=5, max_cooldown_s=300),
    )
    return SimpleNamespace(
        delivery=delivery, store=store, quarantined=broker.published, archive=archive
    )


async def test_a_document_read_before_its_case_opened_is_filed_after_it(hub):
    first, second = (document_filed(MUNICIPALITY, CASE) for _ in range(2))
    opened = case_opened(MUNICIPALITY, CASE)
    assert topic_for(first) != topic_for(opened)
    await hub.delivery.on_batch(fetched_batch(first, second, opened))
    # The first document waits for a retry, the second behind it (same topic); the
    # CaseOpened, on another topic, is not held behind them.
    assert hub.archive.handled == [opened.envelope.id]
    assert hub.store.parked_count() == 2
    retrier = asyncio.create_task(hub.delivery.run_retrier())
    try:
        async with asyncio.timeout(10):
            while hub.store.parked_count():
                await asyncio.sleep(0.01)
    finally:
        retrier.cancel()
    assert hub.archive.handled == [opened.envelope.id, first.envelope.id, second.envelope.id]
    assert hub.quarantined == []
