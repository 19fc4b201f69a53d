"""A measure decided in one case (visitation) and run in another (its measures' sub-process).

DUBU's sub-processes are cases of their own, so the two cases are on different partitions:
the decision's memory is in one task, the start comes in another. On one instance (owning
both tasks) the start finds its decision, and a start that came first is released from its
own task when the decision comes.
"""

from hub.runtime.state import Task, in_task
from tests.adapters.statistics.events import decided, opened, started, wrap
from tests.adapters.statistics.memories import memory_on
from tests.adapters.statistics.test_wiring import Harness

VISITATION, MEASURES = Task("101", 0), Task("101", 1)


async def reporter():
    memory, table = await memory_on(tasks=[VISITATION, MEASURES])
    return Harness(memory, table)


async def handle_in(hub, task, event):
    with in_task(task):
        await hub.handler(event)


def codes(hub):
    return [(r.record.form, r.record.event_code) for r in hub.standin.reports]


async def test_a_start_under_another_case_finds_the_decision_of_the_first():
    hub = await reporter()
    await handle_in(hub, VISITATION, wrap(opened(), case_id="C-visitation"))
    await handle_in(
        hub, MEASURES, wrap(opened(sub_process="measures_and_follow_up"), case_id="C-measures")
    )
    await handle_in(hub, VISITATION, wrap(decided(), case_id="C-visitation"))
    await handle_in(hub, MEASURES, wrap(started(), case_id="C-measures"))
    assert codes(hub) == [(1, 0), (2, 0)], "the decision, then the placement's start"


async def test_a_start_that_came_first_is_released_from_its_own_task():
    hub = await reporter()
    await handle_in(hub, VISITATION, wrap(opened(), case_id="C-visitation"))
    await handle_in(
        hub, MEASURES, wrap(opened(sub_process="measures_and_follow_up"), case_id="C-measures")
    )
    await handle_in(hub, MEASURES, wrap(started(), case_id="C-measures"))
    assert codes(hub) == [], "held: its decision is not known yet"
    await handle_in(hub, VISITATION, wrap(decided(), case_id="C-visitation"))
    assert codes(hub) == [(1, 0), (2, 0)]
    memory = hub.memory.memory
    assert memory.held_anywhere("m-1") == [], "released where it was held"
