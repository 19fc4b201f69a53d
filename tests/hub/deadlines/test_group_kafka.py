"""Two deadline engines in one consumer group, on the real broker: each deadline once.

Two hub instances in one process, built by ``create_app`` from the same settings (so one
consumer group and one changelog), run the deadline component and nothing else. The
group's partitions are split between them, and each ticks the tasks it owns: every missed
deadline gets exactly one ``DeadlineMissed``. When one instance stops, the other is
assigned its tasks, restores their deadlines from the changelog and misses them: none
lost, none twice.
"""

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

import pytest

from contracts.binding import from_kafka
from routing.topics import topic
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.onbroker import (
    Clock,
    RunningHub,
    Ticks,
    deadline_events,
    engine_settings,
    send,
)
from tests.kafka import WITHIN_S, read_topic, wait_for_records

pytestmark = pytest.mark.kafka

SET = "dk.casehub.deadline.set"
MISSED = "dk.casehub.deadline.missed"
ASSESSMENT = "notification-acute-assessment"
CASES = 24  # per round; spread over the municipality's three partitions


@pytest.fixture
def ticks(monkeypatch):
    counted = Ticks()
    counted.install(monkeypatch)
    return counted


def of_type(event_type):
    return lambda r: dict(r.headers).get("ce_type") == event_type.encode()


def trigger_of(record) -> str:
    """The trigger event id of a deadline event's record."""
    event: Any = from_kafka(record.headers, record.value)
    return str(event.data.trigger_event_id)


async def until(condition):
    """Wait for ``condition()`` (a rebalance to settle), never longer than the tests allow."""
    async with asyncio.timeout(WITHIN_S):
        while not condition():
            await asyncio.sleep(0.05)


async def notify(settings, clock, count):
    """``count`` new cases, each notified now (by the engines' clock); their triggers."""
    received = clock().replace(microsecond=0)
    cases = [CaseFile(settings.municipalities[0]) for _ in range(count)]
    triggers = [case.notification(received) for case in cases]
    for trigger in triggers:
        await send(settings, trigger)
    return triggers


async def misses(settings):
    """The acute assessments missed: trigger event id → how many DeadlineMissed records."""
    found = await deadline_events(settings, MISSED)
    return Counter(e.data.trigger_event_id for e in found if e.data.rule_id == ASSESSMENT)


async def test_two_engines_in_one_group_miss_each_deadline_once_and_take_over(hub_settings, ticks):
    settings = engine_settings(hub_settings)
    clock = Clock()
    deadline_topic = topic("deadline", settings.municipalities[0])
    every = frozenset((settings.municipalities[0], p) for p in range(settings.topic_partitions))
    first, second = RunningHub(settings, clock), RunningHub(settings, clock)
    async with first:
        async with second:
            # The group has settled: the tasks are split, each instance has some.
            await until(
                lambda: first.table.tasks and second.table.tasks
                and first.table.tasks | second.table.tasks == every
                and not first.table.tasks & second.table.tasks
            )  # fmt: skip
            before = await notify(settings, clock, CASES)
            await wait_for_records(settings.kafka, deadline_topic, of_type(SET), count=2 * CASES)
            clock.offset = dt.timedelta(hours=24, seconds=5)  # the assessments are due
            await wait_for_records(settings.kafka, deadline_topic, of_type(MISSED), count=CASES)
            await ticks.wait(10)  # both tickers went on: nothing more to miss
            missed = await misses(settings)
            assert set(missed) == {t.envelope.id for t in before}
            assert set(missed.values()) == {1}
            partitions = {
                r.partition
                for r in await read_topic(settings.kafka, deadline_topic)
                if of_type(MISSED)(r)
            }
            assert partitions == set(range(settings.topic_partitions))  # both engines missed

            after = await notify(settings, clock, CASES)  # due a day from now
            await wait_for_records(settings.kafka, deadline_topic, of_type(SET), count=4 * CASES)
            moved = second.table.tasks
        # The second instance stopped: the first is assigned its tasks and restores them.
        await until(lambda: first.table.tasks == every)
        clock.offset = dt.timedelta(hours=48, seconds=10)
        await wait_for_records(settings.kafka, deadline_topic, of_type(MISSED), count=2 * CASES)
        await ticks.wait(10)
    missed = await misses(settings)
    late = {t.envelope.id for t in after}
    assert set(missed) == {t.envelope.id for t in before} | late
    assert set(missed.values()) == {1}, "a deadline missed twice"
    taken_over = {
        r.partition
        for r in await read_topic(settings.kafka, deadline_topic)
        if of_type(MISSED)(r) and trigger_of(r) in late
    }
    assert taken_over & {task.partition for task in moved}, (
        "the first instance missed deadlines the stopped one had set"
    )
    sets = {e.envelope.id for e in await deadline_events(settings, SET)}
    assert len(sets) == 4 * CASES  # published again at most with the same id, never anew
