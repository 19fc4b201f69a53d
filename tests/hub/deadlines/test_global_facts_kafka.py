"""A fact of one case recalled in another case owned by another instance, on the real broker.

Two hub instances in one consumer group (``create_app`` twice, one process) split the
partitions. A measure is decided in case A, whose partition the first owns, and started in
case B, whose partition the second owns (DUBU's sub-processes are cases of their own). The
decision's fact travels in the group's global table: the start is handled by the second
instance (its follow-up deadline is set), not retried into quarantine.
"""

import asyncio
import datetime as dt
import uuid

import pytest
from aiokafka.partitioner import DefaultPartitioner

from contracts.binding import to_kafka
from hub.components.deadlines.engine import NAME, STORE
from hub.compose.app import group_of
from routing.topics import global_topic, quarantine_topic, topic
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.onbroker import Clock, RunningHub, deadline_events, engine_settings, send
from tests.kafka import WITHIN_S, read_topic, wait_for_records, wait_until_consumed

pytestmark = pytest.mark.kafka

SET = "dk.casehub.deadline.set"


async def until(condition):
    async with asyncio.timeout(WITHIN_S):
        while not condition():
            await asyncio.sleep(0.05)


def case_on(code: str, partitions: set[int], count: int) -> CaseFile:
    """A case whose records the hub's producer (murmur2 of the case id) puts on one of these."""
    every = list(range(count))
    while True:
        case = CaseFile(code)
        if DefaultPartitioner()(case.case_id.encode(), every, every) in partitions:
            return case


async def test_a_start_on_another_instance_than_its_decision_is_handled_not_quarantined(
    hub_settings,
):
    settings = engine_settings(hub_settings)
    code = str(settings.municipalities[0])
    count = settings.topic_partitions
    clock = Clock()
    first, second = RunningHub(settings, clock), RunningHub(settings, clock)
    async with first, second:
        await until(
            lambda: first.table.tasks and second.table.tasks
            and len(first.table.tasks | second.table.tasks) == count
            and not first.table.tasks & second.table.tasks
        )  # fmt: skip
        owned = first.table.tasks, second.table.tasks
        decided = case_on(code, {t.partition for t in owned[0]}, count)
        started = case_on(code, {t.partition for t in owned[1]}, count)
        assert to_kafka(decided.case_opened(clock())).key == decided.case_id.encode()
        measure_id, decision_id = f"m-{uuid.uuid4().hex[:8]}", f"d-{uuid.uuid4().hex[:8]}"
        now = clock().replace(microsecond=0)
        await send(settings, decided.case_opened(now - dt.timedelta(days=30)))
        await send(
            settings,
            decided.measure_decided(
                now, "consultancy", measure_id=measure_id, decision_id=decision_id
            ),
        )
        await send(settings, started.measure_started(now, measure_id=measure_id))

        def follow_up_of_b(record):
            headers = dict(record.headers)
            return headers.get("ce_type") == SET.encode() and record.key == started.case_id.encode()

        await wait_for_records(settings.kafka, topic("deadline", code), follow_up_of_b)
        measures = topic("measure", code)
        await wait_until_consumed(settings.kafka, group_of(settings, NAME), [measures])
        assert (first.table.tasks, second.table.tasks) == owned, "the tasks moved under way"
    sets = [e for e in await deadline_events(settings, SET) if e.envelope.caseid == started.case_id]
    assert [e.data.rule_id for e in sets] == ["follow-up-first"]
    assert await read_topic(settings.kafka, quarantine_topic(measures)) == []
    facts = await read_topic(settings.kafka, global_topic(group_of(settings, NAME), code))
    assert {r.key for r in facts} == {
        f"{STORE}/fact:measure:{measure_id}".encode(),
        f"{STORE}/fact:decision:{decision_id}".encode(),
    }
