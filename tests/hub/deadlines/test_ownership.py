"""The engine owns deadlines per task: it ticks only the tasks it has, and hands them over.

Two engines share one changelog, as two instances of one consumer group share its
changelog topics; each is assigned some of the tasks (municipality partitions).
"""

import asyncio
import datetime as dt

import pytest

from contracts.deadlines import DeadlineMissedV2, DeadlineSetV2
from hub.clock.tracked import deadline_id
from hub.components.deadlines.engine import STORE
from hub.runtime.errors import TransientError
from hub.runtime.state import GlobalStore, Task, TaskMovedError
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.recording import (
    Clock,
    GlobalLog,
    GlobalView,
    Published,
    engine_on,
    task_of_case,
)
from tests.state import all_tasks

START = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
PAST_DUE = START + dt.timedelta(days=30)  # both of a notification's deadlines missed
ASSESSMENT = "notification.acute-assessment"


@pytest.fixture
def clock():
    return Clock(START)


def case_in(task: Task) -> CaseFile:
    """A case whose records are on ``task``'s partition."""
    while True:
        case = CaseFile(task.municipality)
        if task_of_case(task.municipality, case.case_id) == task:
            return case


def missed_cases(published):
    return sorted(e.envelope.caseid for e in published.of(DeadlineMissedV2))


async def test_two_engines_each_miss_the_deadlines_of_their_own_tasks_once(changelog, clock):
    tasks = all_tasks()
    mine, theirs = tasks[::2], tasks[1::2]
    a_sent, b_sent = Published(), Published()
    a = await engine_on(changelog, a_sent, clock, tasks=mine)
    b = await engine_on(changelog, b_sent, clock, tasks=theirs)
    cases = [case_in(task) for task in tasks]
    for case in cases:
        owner = a if task_of_case(case.municipality, case.case_id) in mine else b
        await owner.handle(case.notification(START))
    clock.now = PAST_DUE
    for _ in range(3):
        await a.tick()
        await b.tick()
    in_mine = sorted(c.case_id for c in cases[::2])
    in_theirs = sorted(c.case_id for c in cases[1::2])
    # Two deadlines a case, each missed once, by the engine that owns the case's task.
    assert missed_cases(a_sent) == sorted(in_mine * 2)
    assert missed_cases(b_sent) == sorted(in_theirs * 2)


async def test_an_event_of_a_task_not_owned_is_refused_for_its_owner(changelog, published, clock):
    task, elsewhere = all_tasks()[:2]
    engine = await engine_on(changelog, published, clock, tasks=[elsewhere])
    with pytest.raises(TaskMovedError):
        await engine.handle(case_in(task).notification(START))
    assert published.events == []


async def test_a_dropped_task_is_forgotten_and_its_deadlines_missed_by_its_next_owner(
    changelog, published, clock
):
    kept, moved = all_tasks()[:2]
    engine = await engine_on(changelog, published, clock, tasks=[kept, moved])
    stays, goes = case_in(kept), case_in(moved)
    await engine.handle(stays.notification(START))
    trigger = goes.notification(START)
    await engine.handle(trigger)
    await engine.table.revoke([moved])
    assert engine.tasks == {kept}
    assert engine.deadline(deadline_id(ASSESSMENT, trigger.envelope.id)) is None
    clock.now = PAST_DUE
    await engine.tick()
    assert missed_cases(published) == [stays.case_id] * 2
    after = Published()
    owner = await engine_on(changelog, after, clock, tasks=[moved])
    await owner.tick()
    await owner.tick()
    assert missed_cases(after) == [goes.case_id] * 2
    await engine.tick()
    assert missed_cases(published) == [stays.case_id] * 2


async def test_a_step_recorded_as_its_task_moves_is_published_by_the_next_owner_alone(
    changelog, clock
):
    """The task is revoked while a tick publishes: its steps are durable, not published here."""
    first, second = sorted(all_tasks()[:2])
    sent = Published()
    engine = await engine_on(changelog, sent, clock, tasks=[first, second])
    early, late = case_in(first), case_in(second)
    await engine.handle(early.notification(START))
    await engine.handle(late.notification(START))
    publish = sent.__call__
    revoking: list[asyncio.Task[None]] = []

    async def revoke_midway(event):
        if not revoking:  # the first miss: the tick holds the engine, the group rebalances
            revoking.append(asyncio.create_task(engine.table.revoke([second])))
            while engine.table.owns(second):
                await asyncio.sleep(0)
        return await publish(event)

    engine._publish = revoke_midway
    clock.now = PAST_DUE
    await engine.tick()
    await revoking[0]  # dropped once the tick had ended
    assert missed_cases(sent) == [early.case_id] * 2
    after = Published()
    owner = await engine_on(changelog, after, clock, tasks=[second])
    await owner.tick()
    assert missed_cases(after) == [late.case_id] * 2


async def test_a_fact_of_another_case_on_a_task_owned_elsewhere_is_waited_for(changelog, clock):
    """A measure decided in one case (sub-process) and started in another: the decision's
    fact is in the decision's task, seen only by an instance that owns it too."""
    decided_on, started_on = all_tasks()[:2]
    decision_case, start_case = case_in(decided_on), case_in(started_on)
    sent = Published()
    both = await engine_on(changelog, sent, clock, tasks=[decided_on, started_on])
    await both.handle(decision_case.case_opened(START - dt.timedelta(days=30)))
    await both.handle(decision_case.measure_decided(START, "consultancy"))
    started = start_case.measure_started(START + dt.timedelta(minutes=1))
    alone = await engine_on(changelog, Published(), clock, tasks=[started_on])
    with pytest.raises(TransientError, match="has not been seen yet"):
        await alone.handle(started)
    await both.handle(started)
    assert "follow-up-first" in sent.rules(DeadlineSetV2)


def shared_on(log: GlobalLog) -> GlobalStore:
    """One instance's part of the engine's global table, on the group's global topics."""
    return GlobalStore(GlobalView(log), STORE)


async def test_a_fact_of_another_case_on_a_task_owned_elsewhere_is_found_in_the_global_table(
    changelog, clock
):
    """The decision's instance writes its record-keyed facts to the global table, which the
    start's instance holds too: the start is handled there, not waited for."""
    decided_on, started_on = all_tasks()[:2]
    decision_case, start_case = case_in(decided_on), case_in(started_on)
    topics = GlobalLog()
    deciding = await engine_on(
        changelog, Published(), clock, tasks=[decided_on], shared=shared_on(topics)
    )
    sent = Published()
    starting = await engine_on(changelog, sent, clock, tasks=[started_on], shared=shared_on(topics))
    await deciding.handle(decision_case.case_opened(START - dt.timedelta(days=30)))
    await deciding.handle(decision_case.measure_decided(START, "consultancy"))
    # Durable before the decision's handler returned (so before its offset is committed);
    # the case-keyed fact (the child's birth date) stays in its task alone.
    assert {key for _, key in topics.records} == {
        f"{STORE}/fact:measure:m-1",
        f"{STORE}/fact:decision:d-1",
    }
    await starting.handle(start_case.measure_started(START + dt.timedelta(minutes=1)))
    assert sent.rules(DeadlineSetV2) == ["follow-up-first"]


async def test_a_global_fact_not_flushed_fails_its_event_and_is_written_when_it_comes_again(
    changelog, clock
):
    decided_on, started_on = all_tasks()[:2]
    decision_case, start_case = case_in(decided_on), case_in(started_on)
    topics = GlobalLog()
    deciding = await engine_on(
        changelog, Published(), clock, tasks=[decided_on], shared=shared_on(topics)
    )
    sent = Published()
    starting = await engine_on(changelog, sent, clock, tasks=[started_on], shared=shared_on(topics))
    decided = decision_case.measure_decided(START, "consultancy")
    await deciding.handle(decision_case.case_opened(START - dt.timedelta(days=30)))
    topics.refuse = 1
    with pytest.raises(TransientError, match="global write refused"):
        await deciding.handle(decided)  # not committed: the delivery tries it again
    assert topics.records == {}
    started = start_case.measure_started(START + dt.timedelta(minutes=1))
    with pytest.raises(TransientError, match="has not been seen yet"):
        await starting.handle(started)
    await deciding.handle(decided)  # the redelivery: the fact is known here, and flushed
    assert f"{STORE}/fact:measure:m-1" in {key for _, key in topics.records}
    await starting.handle(started)
    assert sent.rules(DeadlineSetV2) == ["follow-up-first"]
