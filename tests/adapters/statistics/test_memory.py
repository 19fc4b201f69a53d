"""The reporter's memory survives a restart and keeps no CPR number."""

from adapters.statistics.memory import SqliteMemory
from adapters.statistics.reports import facts_of
from tests.adapters.statistics.events import decided, started, wrap


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


def test_exports_are_sorted_and_complete():
    import adapters.appeals
    import adapters.statistics

    for package in (adapters.statistics, adapters.appeals):
        names = package.__all__
        assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        assert all(hasattr(package, name) for name in names)
