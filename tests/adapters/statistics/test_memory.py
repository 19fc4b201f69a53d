"""The reporter's memory is in its stores: a new table on the changelog knows it; no CPR shows."""

from adapters.statistics.memory import STORES, Memory
from adapters.statistics.reports import facts_of
from contracts.cpr import Cpr
from hub.runtime.state import MemoryChangelog, Task
from tests.adapters.statistics.events import decided, started, wrap
from tests.adapters.statistics.memories import TASKS, InTask, memory_on
from tests.people import CHILD, MOTHER
from tests.state import owned_table


async def test_measures_reports_and_held_events_survive_a_new_instance():
    changelog = MemoryChangelog()
    kept, table = await memory_on(changelog)
    memory = InTask(kept)
    memory.remember_measure(facts_of(decided()))
    memory.remember_report("decision:d-1", "r-1", "e-1")
    early = wrap(started())
    memory.hold("m-1", early.envelope.id, early.model_dump_json())
    memory.hold("m-1", early.envelope.id, early.model_dump_json())  # a redelivery: kept once
    await table.flush()

    again = InTask((await memory_on(changelog))[0])  # another instance, or a restart
    assert again.measure("m-1") == facts_of(decided())
    assert again.measure_by_decision("d-1") == facts_of(decided())
    assert again.last_report("decision:d-1") == ("r-1", "e-1")
    assert [event_id for event_id, _ in again.held("m-1")] == [early.envelope.id]
    again.release("m-1", early.envelope.id)
    assert again.held("m-1") == []
    assert again.measure("m-unknown") is None


async def test_the_child_of_a_case_and_events_held_for_it_survive_a_new_instance():
    changelog = MemoryChangelog()
    kept, table = await memory_on(changelog)
    memory = InTask(kept)
    memory.remember_child("C-1", Cpr(CHILD))
    early = wrap(decided(), case_id="C-2")
    later = wrap(started(), case_id="C-2")
    for event in (early, later, early):  # the redelivery of ``early`` is held once
        memory.hold_for_case("C-2", event.envelope.id, event.model_dump_json())
    await table.flush()

    again = InTask((await memory_on(changelog))[0])
    elsewhere = InTask(again.memory, Task("751", 0))
    assert again.child_of("C-1") == Cpr(CHILD)
    assert elsewhere.child_of("C-1") is None, "a case id is only unique in its municipality"
    assert again.child_of("C-2") is None
    held = again.held_for_case("C-2")
    assert [event_id for event_id, _ in held] == [early.envelope.id, later.envelope.id]
    assert elsewhere.held_for_case("C-2") == []
    again.release_for_case("C-2", early.envelope.id)
    assert [event_id for event_id, _ in again.held_for_case("C-2")] == [later.envelope.id]


async def test_held_events_keep_their_order_after_a_release():
    memory = InTask((await memory_on())[0])
    events = [wrap(started(), case_id="C-2") for _ in range(3)]
    for event in events[:2]:
        memory.hold_for_case("C-2", event.envelope.id, event.model_dump_json())
    memory.release_for_case("C-2", events[0].envelope.id)
    memory.hold_for_case("C-2", events[2].envelope.id, events[2].model_dump_json())
    memory.hold_for_case("C-2", events[0].envelope.id, events[0].model_dump_json())
    assert [i for i, _ in memory.held_for_case("C-2")] == [
        events[1].envelope.id,
        events[2].envelope.id,
        events[0].envelope.id,
    ]


async def test_an_id_with_a_slash_does_not_reach_another_id_s_entries():
    memory = InTask((await memory_on())[0])
    event = wrap(started())
    memory.hold("m/1", event.envelope.id, event.model_dump_json())
    assert memory.held("m") == []
    assert [i for i, _ in memory.held("m/1")] == [event.envelope.id]


async def test_a_later_case_opened_replaces_the_child():
    memory = InTask((await memory_on())[0])
    memory.remember_child("C-1", Cpr(MOTHER))
    memory.remember_child("C-1", Cpr(CHILD))
    assert memory.child_of("C-1") == Cpr(CHILD)


async def test_keys_and_repr_show_no_cpr_number():
    changelog = MemoryChangelog()
    table = await owned_table("test.statistics", changelog, TASKS)
    memory = InTask(Memory.on(table))
    memory.remember_child("C-1", Cpr(CHILD))
    memory.remember_measure(facts_of(decided()))
    await table.flush()
    keys = [key for entries in changelog.tables.values() for key in entries]
    assert sorted(keys) == ["children/C-1", "decisions/d-1", "measures/m-1"]
    assert {key.split("/")[0] for key in keys} <= set(STORES)
    assert CHILD not in repr(memory.memory)
    assert CHILD not in repr(memory.child_of("C-1"))


def test_exports_are_sorted_and_complete():
    import adapters.appeals
    import adapters.statistics

    for package in (adapters.statistics, adapters.appeals):
        names = package.__all__
        assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        assert all(hasattr(package, name) for name in names)
