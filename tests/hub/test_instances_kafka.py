"""Two hub instances in one consumer group, on the real broker: the state follows the
partitions, not the instance.

Both are ``create_app`` of the same settings (same group prefix, same state directory) in
this process, as two pods of one deployment would be. Each owns some of the partitions
(tasks) and the state of those; a record is handled once across both; a record parked for
a retry on one is retried on the other once the first has stopped, from the parked row the
first made durable; and an instance is not ready before its first assignment is restored.
"""

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from contracts.binding import to_kafka
from contracts.envelope import new_event
from contracts.person import LookupPurpose, PersonLookupRequested
from contracts.types import Cpr
from hub.compose.app import create_app, group_of
from hub.runtime.component import Component
from hub.runtime.errors import UnavailableError
from hub.runtime.serve import serving
from hub.runtime.state import Task, current_task
from routing.routes import Route
from routing.topics import topic
from tests.kafka import WITHIN_S, wait_until_consumed
from tests.people import CHILD

pytestmark = pytest.mark.kafka

NAME = "recorder"
ROUTES = (Route(consumer=NAME, event_types=frozenset({PersonLookupRequested.event_type})),)
PARTITIONS = 4


@dataclass
class Seen:
    """What the recorders of both instances did; shared, as the external system would be."""

    handled: list[tuple[str, str, Task | None]] = field(default_factory=list)
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    failing: set[str] = field(default_factory=set)

    def by(self, instance):
        return [event_id for who, event_id, _task in self.handled if who == instance]


def recording(instance: str, seen: Seen) -> Component:
    """The recorder of one instance: fails transiently for the ids in ``seen.failing``."""

    async def handle(event) -> None:
        event_id = event.envelope.id
        seen.calls[instance, event_id] += 1
        if event_id in seen.failing:
            raise UnavailableError("the recorder's service is busy (test)")
        seen.handled.append((instance, event_id, current_task()))

    return Component(NAME, handle, consumes=(PersonLookupRequested,))


@pytest.fixture
def settings(hub_settings):
    return hub_settings.model_copy(
        update={
            "routes": ROUTES,
            "topic_partitions": PARTITIONS,
            # A failing record waits for its retry as long as the test needs: never
            # quarantined, and no breaker pauses the group meanwhile.
            "retry_attempts": 10_000,
            "retry_max_s": 0.5,
            "breaker_open_after_s": 3600.0,
        }
    )


def app_of(settings, instance, seen):
    return create_app(settings, extra=[recording(instance, seen)], components=())


def table_of(app):
    (table,) = app.state.tables
    return table


async def until(condition, *, within=WITHIN_S):
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.1)


def every_task(settings):
    (code,) = settings.municipalities
    return {Task(code, p) for p in range(PARTITIONS)}


def shared_out(settings, *apps):
    """Every task is owned by exactly one of ``apps``, and each owns some."""
    owned = [table_of(app).tasks for app in apps]
    together = frozenset().union(*owned)
    apart = sum(len(tasks) for tasks in owned) == len(together)
    return all(owned) and apart and together == every_task(settings)


def lookup(settings):
    (code,) = settings.municipalities
    return new_event(
        PersonLookupRequested(cpr=Cpr(CHILD), purpose=LookupPurpose.CASE),
        source="urn:casehub:test",
        municipality=code,
        case_id=f"I-{uuid.uuid4().hex[:10]}",
    )


async def produce_lookups(settings, events, *, partition=None):
    """Produce ``events`` (on ``partition``, or where their keys go); returns (id, partition)."""
    (code,) = settings.municipalities
    producer = AIOKafkaProducer(**settings.kafka.client_options(), acks="all")
    await producer.start()
    sent = []
    try:
        for event in events:
            record = to_kafka(event)
            where = await producer.send_and_wait(
                topic("person", code), record.value, key=record.key,
                headers=list(record.headers), partition=partition,
            )  # fmt: skip
            sent.append((event.envelope.id, where.partition))
    finally:
        await producer.stop()
    return sent


async def consumed(settings):
    (code,) = settings.municipalities
    await wait_until_consumed(settings.kafka, group_of(settings, NAME), [topic("person", code)])


async def test_two_instances_share_the_partitions_and_handle_each_record_once(settings):
    seen = Seen()
    first, second = app_of(settings, "A", seen), app_of(settings, "B", seen)
    async with serving(first), serving(second):
        await until(lambda: shared_out(settings, first, second))
        owned = {"A": table_of(first).tasks, "B": table_of(second).tasks}
        sent = await produce_lookups(settings, [lookup(settings) for _ in range(40)])
        await until(lambda: len(seen.handled) >= len(sent))
        await consumed(settings)  # a second handling would have happened by now
        assert shared_out(settings, first, second), "no rebalance meanwhile"
    assert Counter(event_id for _who, event_id, _task in seen.handled) == {
        event_id: 1 for event_id, _partition in sent
    }
    assert seen.by("A")
    assert seen.by("B")
    for who, _event_id, task in seen.handled:
        assert task in owned[who], "each record is handled where its task's state is"
    partitions = dict(sent)
    for who, event_id, task in seen.handled:
        assert task is not None
        assert task.partition == partitions[event_id], f"{who} ran it in its record's task"


async def test_a_record_parked_on_one_instance_is_retried_on_the_other_after_it_stops(
    settings,
):
    seen = Seen()
    first, second = app_of(settings, "A", seen), app_of(settings, "B", seen)
    group = group_of(settings, NAME)
    parked = lookup(settings)
    seen.failing.add(parked.envelope.id)
    async with serving(second):
        async with serving(first):
            await until(lambda: shared_out(settings, first, second))
            on_first = min(task.partition for task in table_of(first).tasks)
            await produce_lookups(settings, [parked], partition=on_first)
            await until(lambda: seen.calls["A", parked.envelope.id] >= 1)
            await consumed(settings)  # its offset is committed: the parked row is durable
            assert first.state.store.parked_count(group) == 1
            assert second.state.store.parked_count(group) == 0
        # The first instance has stopped; its partitions and their state come to the second.
        await until(lambda: table_of(second).tasks == every_task(settings))
        assert second.state.store.parked_count(group) == 1, "restored from the changelog"
        seen.failing.clear()  # the service is back
        await until(lambda: parked.envelope.id in seen.by("B"))
        await until(lambda: second.state.store.parked_count(group) == 0)
    assert seen.by("A") == []
    assert seen.by("B") == [parked.envelope.id], "handled once, on the second instance"
    assert seen.calls["B", parked.envelope.id] >= 1


class SlowRestore:
    """Holds a table's restores until the test lets them go (a long changelog to read)."""

    def __init__(self, table):
        self.asked = asyncio.Event()
        self.go_on = asyncio.Event()
        changelog = table._changelog
        self._restore = changelog.restore
        changelog.restore = self.restore

    async def restore(self, tasks):
        self.asked.set()
        await self.go_on.wait()
        return await self._restore(tasks)


async def test_an_instance_is_ready_only_once_its_first_assignment_is_restored(settings):
    app = app_of(settings, "A", Seen())
    restore = SlowRestore(table_of(app))
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/health/ready")).status_code == 503
        async with asyncio.timeout(WITHIN_S):
            await restore.asked.wait()  # assigned; its state is being read
        answer = await http.get("/health/ready")
        assert (answer.status_code, answer.json()) == (503, {"status": "not ready"})
        assert (await http.get("/health/live")).status_code == 200, "alive meanwhile"
        restore.go_on.set()
        async with asyncio.timeout(WITHIN_S):
            while (await http.get("/health/ready")).status_code != 200:
                await asyncio.sleep(0.1)
        assert table_of(app).tasks == every_task(settings)
