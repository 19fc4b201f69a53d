"""A rebalance and the delivery, offline: what is committed, restored and passed over.

The listener's callbacks are called here as aiokafka calls them, with the delivery's batch
or retry round possibly under way; the consumer is a stand-in that, like aiokafka's,
refuses to commit or seek a partition it does not hold.
"""

import asyncio
from types import SimpleNamespace

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError
from structlog.testing import capture_logs

from hub.runtime.delivery import Backoff, CircuitBreaker, Delivery, DeliveryStore, StateRebalance
from hub.runtime.errors import TransientError
from hub.runtime.quarantine import Quarantine
from hub.runtime.state import MemoryChangelog, StateTable, Task
from tests.adapters.archive.events import case_opened
from tests.offline_delivery import RecordingBroker, fetched_batch

TOPIC = "casehub.101.case.v1"
P, Q = TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)


class Consumer:
    """Holds an assignment; refuses a commit or a seek outside it, as aiokafka does."""

    def __init__(self):
        self.assigned = set()
        self.commits = []
        self.seeks = []

    def assignment(self):
        return set(self.assigned)

    async def committed(self, _partition):
        return None

    def seek(self, partition, offset):
        if partition not in self.assigned:
            raise IllegalStateError(f"No current assignment for partition {partition}")
        self.seeks.append((partition.partition, offset))

    async def commit(self, offsets):
        for tp in offsets:
            if tp not in self.assigned:
                raise IllegalStateError(f"Partition {tp} is not assigned")
        self.commits.append({tp.partition: offset for tp, offset in offsets.items()})


def on(partition, *events, offset=0, consumer):
    """A fetched batch of ``events`` on one partition of the case topic."""
    batch = fetched_batch(*events, offset=offset, consumer=consumer)
    for record in batch.raw_message:
        record.partition = partition.partition
    return batch


async def hub_with(changelog):
    table = StateTable("g", changelog)
    store = DeliveryStore(table)
    handled = []
    gate = asyncio.Event()
    gate.set()

    async def handler(event):
        await gate.wait()
        handled.append(event.envelope.id)

    quarantine = Quarantine()
    quarantine.bind(RecordingBroker())
    delivery = Delivery(
        group="g",
        handler=handler,
        store=store,
        quarantine=quarantine,
        backoff=Backoff(base_s=0.01, max_s=0.02, max_attempts=3),
        breaker=CircuitBreaker(open_after_s=30, cooldown_s=5, max_cooldown_s=300),
        commit_interval_s=3600,  # the test (or the rebalance) commits
    )
    consumer = Consumer()
    rebalance = StateRebalance(delivery, table, retry_s=0.01)
    return SimpleNamespace(
        table=table, store=store, delivery=delivery, rebalance=rebalance,
        consumer=consumer, handled=handled, gate=gate,
    )  # fmt: skip


async def assign(hub, *partitions):
    hub.consumer.assigned = set(partitions)
    await hub.rebalance.on_partitions_assigned(set(partitions))


async def test_a_revoke_waits_for_the_batch_then_makes_it_durable_and_commits_it():
    changelog = MemoryChangelog()
    hub = await hub_with(changelog)
    await assign(hub, P, Q)
    event = case_opened("101", "C-reb-1")
    hub.gate.clear()  # the handler is under way when the rebalance comes
    batch = asyncio.create_task(hub.delivery.on_batch(on(P, event, consumer=hub.consumer)))
    while not hub.delivery._busy.locked():
        await asyncio.sleep(0)
    revoke = asyncio.create_task(hub.rebalance.on_partitions_revoked({P, Q}))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not revoke.done(), "the revoke waits for the batch"
    hub.gate.set()
    await asyncio.wait_for(asyncio.gather(batch, revoke), timeout=5)
    assert hub.handled == [event.envelope.id]
    assert hub.consumer.commits == [{0: 1}], "committed before the partitions went"
    again = DeliveryStore(StateTable("g", changelog))
    await again._table.assign([Task("101", 0)])
    assert again.was_processed(event.envelope.id), "its state was flushed before the commit"
    assert hub.table.tasks == frozenset()


async def test_a_batch_fetched_before_a_revoke_is_passed_over_after_it():
    hub = await hub_with(MemoryChangelog())
    await assign(hub, P, Q)
    await hub.rebalance.on_partitions_revoked({P, Q})
    hub.consumer.assigned = set()
    stale = on(P, case_opened("101", "C-reb-2"), consumer=hub.consumer)
    await hub.delivery.on_batch(stale)  # the records' partition is another instance's now
    await hub.delivery.commit()
    assert (hub.handled, hub.consumer.commits, hub.consumer.seeks) == ([], [], [])


async def test_offsets_a_revoke_could_not_make_durable_are_never_committed_later():
    changelog = MemoryChangelog()
    hub = await hub_with(changelog)
    await assign(hub, P, Q)
    lost = case_opened("101", "C-reb-3")
    await hub.delivery.on_batch(on(P, lost, consumer=hub.consumer))
    changelog.fail = True  # the revoke's flush fails: P's offset cannot be committed
    with capture_logs() as logs:
        await hub.rebalance.on_partitions_revoked({P, Q})
    assert "state_not_flushed" in [e["event"] for e in logs]
    changelog.fail = False
    await assign(hub, Q)  # P went to another instance
    await hub.delivery.on_batch(on(Q, case_opened("101", "C-reb-4"), consumer=hub.consumer))
    with capture_logs() as logs:
        await hub.delivery.commit()
    assert "commit_failed" not in [e["event"] for e in logs]
    assert hub.consumer.commits == [{1: 1}], "Q committed; P's offset is its new owner's"
    elsewhere = DeliveryStore(StateTable("g", changelog))
    await elsewhere._table.assign([Task("101", 0)])
    assert not elsewhere.was_processed(lost.envelope.id), "so P's new owner handles it again"


async def test_a_restore_that_fails_is_tried_again_until_the_partitions_have_their_state():
    changelog = MemoryChangelog()
    changelog.tables[Task("101", 0)] = {"done/e-1": b"1.0"}
    changelog.fail = True
    hub = await hub_with(changelog)
    hub.consumer.assigned = {P}
    with capture_logs() as logs:
        assigning = asyncio.create_task(hub.rebalance.on_partitions_assigned({P}))
        async with asyncio.timeout(5):
            while [e["event"] for e in logs].count("state_not_restored") < 2:
                await asyncio.sleep(0.01)
        assert not assigning.done()
        assert not hub.table.assigned_once.is_set(), "not ready while the state is missing"
        changelog.fail = False
        await asyncio.wait_for(assigning, timeout=5)
    assert hub.table.owns(Task("101", 0))
    assert hub.store.was_processed("e-1")
    assert hub.table.assigned_once.is_set()


async def test_a_restore_that_keeps_failing_ends_when_the_hub_stops():
    changelog = MemoryChangelog()
    changelog.fail = True
    hub = await hub_with(changelog)
    hub.rebalance = StateRebalance(hub.delivery, hub.table, retry_s=3600)
    with capture_logs() as logs:
        assigning = asyncio.create_task(hub.rebalance.on_partitions_assigned({P}))
        async with asyncio.timeout(5):
            while "state_not_restored" not in [e["event"] for e in logs]:
                await asyncio.sleep(0.01)
    hub.rebalance.stop()  # the consumer's close waits for this callback to end
    with pytest.raises(TransientError):
        await asyncio.wait_for(assigning, timeout=5)
    assert not hub.table.assigned_once.is_set()
