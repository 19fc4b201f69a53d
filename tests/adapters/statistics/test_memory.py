"""The reporter's memory survives a restart; the CPR numbers it keeps never show."""

from adapters.statistics.memory import SqliteMemory
from adapters.statistics.reports import facts_of
from contracts.cpr import Cpr
from tests.adapters.statistics.events import decided, started, wrap
from tests.people import CHILD, MOTHER


def test_measures_reports_and_held_events_survive_a_restart(tmp_path):
    path = tmp_path / "statistics.sqlite3"
    memory = SqliteMemory(path)
    memory.remember_measure(facts_of(decided()))
    memory.remember_report("decision:d-1", "r-1", "e-1")
    early = wrap(started())
    memory.hold("m-1", early.envelope.id, early.model_dump_json())
    memory.hold("m-1", early.envelope.id, early.model_dump_json())  # a redelivery: kept once
    memory.close()
    again = SqliteMemory(path)
    assert again.measure("m-1") == facts_of(decided())
    assert again.measure_by_decision("d-1") == facts_of(decided())
    assert again.last_report("decision:d-1") == ("r-1", "e-1")
    assert [event_id for event_id, _ in again.held("m-1")] == [early.envelope.id]
    again.release("m-1", early.envelope.id)
    assert again.held("m-1") == []
    assert again.measure("m-unknown") is None
    again.close()


def test_the_child_of_a_case_and_events_held_for_it_survive_a_restart(tmp_path):
    path = tmp_path / "state" / "statistics.sqlite3"
    memory = SqliteMemory(path)
    memory.remember_child("101", "C-1", Cpr(CHILD))
    early = wrap(decided(), case_id="C-2")
    later = wrap(started(), case_id="C-2")
    for event in (early, later, early):  # the redelivery of ``early`` is held once
        memory.hold_for_case("101", "C-2", event.envelope.id, event.model_dump_json())
    memory.close()
    again = SqliteMemory(path)
    assert again.child_of("101", "C-1") == Cpr(CHILD)
    assert again.child_of("751", "C-1") is None, "a case id is only unique in its municipality"
    assert again.child_of("101", "C-2") is None
    held = again.held_for_case("101", "C-2")
    assert [event_id for event_id, _ in held] == [early.envelope.id, later.envelope.id]
    assert again.held_for_case("751", "C-2") == []
    again.release_for_case("101", "C-2", early.envelope.id)
    assert [event_id for event_id, _ in again.held_for_case("101", "C-2")] == [later.envelope.id]
    again.close()


def test_a_later_case_opened_replaces_the_child():
    memory = SqliteMemory()
    memory.remember_child("101", "C-1", Cpr(MOTHER))
    memory.remember_child("101", "C-1", Cpr(CHILD))
    assert memory.child_of("101", "C-1") == Cpr(CHILD)
    memory.close()


def test_the_file_is_private_and_shows_no_cpr_number(tmp_path):
    path = tmp_path / "statistics.sqlite3"
    memory = SqliteMemory(path)
    memory.remember_child("101", "C-1", Cpr(CHILD))
    assert path.stat().st_mode & 0o077 == 0
    assert CHILD not in repr(memory)
    assert CHILD not in repr(memory.child_of("101", "C-1"))
    memory.close()


def test_exports_are_sorted_and_complete():
    import adapters.appeals
    import adapters.statistics

    for package in (adapters.statistics, adapters.appeals):
        names = package.__all__
        assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        assert all(hasattr(package, name) for name in names)
