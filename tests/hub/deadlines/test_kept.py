"""What the engine keeps of a fulfilment or an ending, and the index it keeps them in."""

import datetime as dt
import json

from hub.clock import events as ev
from hub.components.deadlines.early import KEPT, Early, EarlyEvents
from tests.hub.deadlines.clock import local

AT = local(2027, 1, 5, 9)
DAY = dt.timedelta(days=1)


def early(event_id, case_id="C-1", happened=AT, expires=AT + DAY, municipality="101"):
    return Early(
        event_id=event_id,
        event_type=ev.STATISTICS_REPORTED,
        municipality=municipality,
        case_id=case_id,
        happened_at=happened,
        fields={"kind": "placement", "subject_id": "m-1"},
        expires_at=expires,
    )


def test_only_ids_kinds_and_codes_are_kept():
    assert KEPT[ev.STATISTICS_REPORTED] == {"kind", "event_code", "subject_id"}
    assert KEPT[ev.TRANSFER_REPORTED] == {"handover_id"}
    assert KEPT[ev.PLAN_CREATED] == {"kind", "measure_ids"}
    assert KEPT[ev.COMMITTEE_DECIDED] == {"urgent"}
    assert KEPT[ev.CHILD_HEARD] == frozenset()  # when it happened is all
    assert KEPT[ev.MEASURE_ENDED] == {"measure_id"}
    assert KEPT[ev.CASE_CLOSED] == frozenset()
    assert ev.MEASURE_STARTED not in KEPT  # a trigger only


def test_the_state_value_round_trips():
    kept = early("e-1")
    value = json.loads(kept.to_json())
    assert value["record"] == "early"
    assert Early.from_json("101", value) == kept
    assert kept.key == "early:e-1"


class TestTheIndex:
    def test_a_case_s_events_in_the_order_they_happened(self):
        kept = EarlyEvents()
        for event_id, hours in (("b", 2), ("a", 2), ("c", 1)):
            kept.add(early(event_id, happened=AT + dt.timedelta(hours=hours)))
        kept.add(early("other", case_id="C-2"))
        kept.add(early("elsewhere", municipality="751"))
        found = kept.of_case("101", "C-1", AT)
        assert [e.event_id for e in found] == ["c", "a", "b"]
        assert len(kept) == 5

    def test_expired_events_are_not_offered_and_are_listed_once_discarded(self):
        kept = EarlyEvents()
        kept.add(early("old", expires=AT))
        kept.add(early("new", expires=AT + DAY))
        assert [e.event_id for e in kept.of_case("101", "C-1", AT)] == ["new"]
        assert [e.event_id for e in kept.expired(AT)] == ["old"]
        assert [e.event_id for e in kept.expired(AT)] == ["old"]  # until discarded
        kept.discard(early("old", expires=AT))
        assert kept.expired(AT + DAY - dt.timedelta(microseconds=1)) == []
        assert [e.event_id for e in kept.expired(AT + DAY)] == ["new"]

    def test_has_names_kept_events_by_id(self):
        kept = EarlyEvents()
        kept.add(early("e-1"))
        assert kept.has("101", "e-1")
        assert not kept.has("751", "e-1")
        kept.discard(early("e-1"))
        assert not kept.has("101", "e-1")
        assert kept.of_case("101", "C-1", AT) == []
