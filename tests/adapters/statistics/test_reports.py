"""From events to reports: forms and codes, the 4-week clock, ids and corrections' inputs."""

import dataclasses
import datetime as dt

import pytest

from adapters.statistics.format import FormatError
from adapters.statistics.reports import (
    ChildNotYetKnownError,
    MeasureNotYetKnownError,
    build_report,
    draft_for,
    facts_of,
    report_id_for,
)
from contracts.cpr import Cpr
from contracts.reporting import ReportKind
from hub.clock import COPENHAGEN
from hub.runtime.state import Task
from tests.adapters.statistics.events import (
    accepted,
    aftercare,
    changed,
    committee,
    decided,
    ended,
    followed_up,
    notification,
    started,
    wrap,
)
from tests.adapters.statistics.memories import InTask, memory_on
from tests.people import CHILD, MOTHER

NOW = dt.datetime(2026, 9, 20, 12, 0, tzinfo=COPENHAGEN)


@pytest.fixture
async def memory():
    """The memory of a reporter that has seen case C-1 of municipality 101 opened."""
    kept = InTask((await memory_on())[0])
    kept.remember_child("C-1", Cpr(CHILD))
    return kept


@pytest.fixture
async def unopened():
    """The memory of a reporter that has seen no case opened."""
    return InTask((await memory_on())[0])


def report_of(data, memory, now=NOW, case_id="C-1"):
    if hasattr(data, "kind") and hasattr(data, "measure_id") and hasattr(data, "consent"):
        memory.remember_measure(facts_of(data))
    event = wrap(data, case_id=case_id)
    draft = draft_for(event, memory)
    return None if draft is None else build_report(draft, event=event, now=now)


def test_a_notification_is_reported_with_its_duty_and_child(memory):
    report = report_of(notification(), memory)
    record = report.record
    assert report.format_version == "2026-07"
    assert record.kind == "notification"
    assert record.legal_basis == "BL §133"
    assert record.child.cpr == CHILD
    assert record.child.registered_on_mother is False
    assert record.acute is False


def test_an_unborn_child_is_reported_on_the_mother(memory):
    data = notification(unborn=True, child_cpr=None, mother_cpr=MOTHER)
    record = report_of(data, memory).record
    assert record.child.cpr == MOTHER
    assert record.child.registered_on_mother is True


def test_a_notification_before_2024_uses_serviceloven(memory):
    data = notification(
        received_at="2023-12-31T23:30:00+01:00",
        notifier={"kind": "citizen", "relation": "neighbour_or_acquaintance"},
    )
    assert report_of(data, memory).record.legal_basis == "SEL §154"


def test_before_2026_07_a_notification_has_no_acute(memory):
    report = report_of(notification(), memory, now=dt.datetime(2026, 6, 30, 12, tzinfo=COPENHAGEN))
    assert report.format_version == "2026-01"
    assert not hasattr(report.record, "acute")


@pytest.mark.parametrize(
    ("events", "form", "code"),
    [
        ([decided()], 1, 0),
        ([decided("placement_of_young_person")], 3, 6),
        ([decided(), started()], 2, 0),
        ([decided(), changed("placement_place")], 2, 1),
        ([decided("placement_without_consent"), changed("consent")], 2, 2),
        ([decided(), followed_up()], 2, 3),
        ([decided(decision_id="d-9"), committee("d-9", paragraph="46")], 2, 4),
        ([committee("d-7")], 2, 4),  # BL §47 without a known measure
        ([decided(), ended()], 2, 5),
        ([decided("placement_of_young_person"), ended()], 3, 5),
        ([aftercare()], 3, 6),
        ([aftercare(granted=False)], 3, 6),  # a decision against aftercare is one too
    ],
)
def test_placement_events_get_their_form_and_code(memory, events, form, code):
    for data in events:
        report = report_of(data, memory)
    assert (report.record.form, report.record.event_code) == (form, code)
    assert report.record.child.cpr == CHILD, "every placement form names the case's child"
    assert report.record.case_ref == "C-1"


async def test_the_child_is_the_one_of_the_events_case():
    memory = InTask((await memory_on())[0])
    memory.remember_child("C-1", Cpr(CHILD))
    memory.remember_child("C-2", Cpr(MOTHER))  # another case, about another person
    report = report_of(decided(), memory, case_id="C-1")
    assert report.record.child.cpr == CHILD


def test_the_child_is_on_the_wire_and_nowhere_else(memory):
    report = report_of(decided(), memory)
    assert f'"child":{{"cpr":"{CHILD}"}}' in report.model_dump_json()
    event = wrap(decided())
    draft = draft_for(event, memory)
    assert draft is not None
    assert draft.child == Cpr(CHILD)
    assert CHILD not in repr(draft)
    assert CHILD not in repr(report)


@pytest.mark.parametrize(
    "events",
    [
        [decided()],
        [decided("placement_of_young_person")],
        [decided(), started()],
        [decided(), changed("placement_place")],
        [decided(), ended()],
        [committee("d-7")],
    ],
)
def test_a_placement_event_before_its_case_is_opened_waits_for_the_child(unopened, events):
    *before, last = events
    for data in before:
        unopened.remember_measure(facts_of(data))
    with pytest.raises(ChildNotYetKnownError) as caught:
        report_of(last, unopened)
    assert CHILD not in str(caught.value)


def test_a_case_opened_in_another_municipality_is_not_this_case(unopened):
    InTask(unopened.memory, Task("751", 0)).remember_child("C-1", Cpr(CHILD))
    with pytest.raises(ChildNotYetKnownError):
        report_of(decided(), unopened)


@pytest.mark.parametrize(
    "events",
    [
        [decided("consultancy")],
        [decided("consultancy"), started()],
        [decided(), changed("extent")],
    ],
)
def test_what_is_not_reported_does_not_wait_for_the_child(unopened, events):
    *before, last = events
    for data in before:
        unopened.remember_measure(facts_of(data))
    assert report_of(last, unopened) is None


def test_a_notification_needs_no_case_opened(unopened):
    assert report_of(notification(), unopened).record.child.cpr == CHILD


def test_a_placement_draft_without_its_child_is_never_built(memory):
    event = wrap(decided())
    draft = draft_for(event, memory)
    assert draft is not None
    orphan = dataclasses.replace(draft, child=None)
    with pytest.raises(FormatError) as caught:
        build_report(orphan, event=event, now=NOW)
    assert caught.value.code == "CHILD_MISSING"


@pytest.mark.parametrize(
    "events",
    [
        [decided("consultancy")],
        [decided("consultancy"), started()],
        [decided(), changed("extent")],
        [decided("placement_of_young_person"), changed("consent")],
        [committee("d-7", paragraph="32")],
        [decided("consultancy", decision_id="d-9"), committee("d-9")],
    ],
)
def test_what_is_not_a_placement_event_is_not_reported(memory, events):
    assert [report_of(data, memory) for data in events][-1] is None


def test_a_measure_event_before_its_decision_waits(memory):
    with pytest.raises(MeasureNotYetKnownError):
        report_of(started(), memory)


def due_of(report):
    return report.record.timeliness.due_at


def test_the_four_week_clock_ends_at_the_end_of_the_local_day_four_weeks_on(memory):
    report = report_of(decided(), memory)  # decided 18 September 2026, 10:00 +02:00
    assert report.record.timeliness.rule_id == "statistics.placement-decision"
    assert due_of(report) == dt.datetime(2026, 10, 16, 23, 59, 59, 999999, tzinfo=COPENHAGEN)
    assert report.record.timeliness.late is False


@pytest.mark.parametrize(("offset", "late"), [(-1, False), (1, True)])
def test_late_one_minute_after_the_due_time_not_one_minute_before(memory, offset, late):
    memory.remember_measure(facts_of(decided()))
    due = dt.datetime(2026, 11, 16, 23, 59, 59, 999999, tzinfo=COPENHAGEN)  # 19 Oct + 4 weeks
    now = due + dt.timedelta(minutes=offset)
    report = report_of(changed("placement_place", on="2026-10-19"), memory, now=now)
    assert report.record.timeliness.rule_id == "statistics.placement-event"
    assert due_of(report) == due
    assert report.record.timeliness.late is late


def test_the_start_uses_the_start_rule(memory):
    memory.remember_measure(facts_of(decided()))
    report = report_of(started(on="2026-09-21"), memory)
    assert report.record.timeliness.rule_id == "statistics.placement-start"
    assert due_of(report).date() == dt.date(2026, 10, 19)


def test_the_report_id_derives_from_the_event_id():
    assert report_id_for("e-1") == report_id_for("e-1") != report_id_for("e-2")


def test_a_draft_names_the_occurrence_so_corrections_can_be_found(memory):
    draft = draft_for(wrap(notification(notification_id="n-42")), memory)
    assert draft is not None
    assert draft.kind is ReportKind.NOTIFICATION
    assert draft.occurrence == "notification:n-42"
    assert "acute" not in repr(draft)
    assert CHILD not in repr(draft), "the draft keeps the child as a masked Cpr"
    assert "neglect" not in repr(draft), "nor the reasons"


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (followed_up(), "statistics.placement-follow-up"),
        (ended(), "statistics.placement-end"),
        (committee("d-7"), "statistics.placement-committee"),
        (aftercare(), "statistics.aftercare-decision"),
        (accepted(), "statistics.responsibility-transfer"),
    ],
)
def test_each_report_names_the_rule_the_deadline_engine_clocks_it_by(memory, data, rule):
    memory.remember_measure(facts_of(decided()))
    assert report_of(data, memory).record.timeliness.rule_id == rule


def test_an_aftercare_decision_names_the_case_and_no_measure(memory):
    record = report_of(aftercare(at="2026-10-05T11:00:00+02:00"), memory).record
    assert (record.measure_ref, record.case_ref, record.event_date) == (None, "C-1", "2026-10-05")
    assert record.legal_basis == "SEL §68"
    assert due_of(report_of(aftercare(), memory)).date() == dt.date(2026, 11, 2)


def test_an_accepted_handover_is_reported_as_the_case_s_responsibility_received(memory):
    report = report_of(accepted(handover_id="h-7", at="2026-10-07T09:00:00+02:00"), memory)
    record = report.record
    assert record.kind == "transfer"
    assert (record.handover_ref, record.case_ref, record.event_date) == ("h-7", "C-1", "2026-10-07")
    assert record.child.cpr == CHILD, "the receiving case's child"
    assert record.legal_basis == "BL §132"
    old = report_of(accepted(at="2023-12-20T09:00:00+01:00"), memory, now=NOW)
    assert old.record.legal_basis == "SEL §152"
    assert old.record.timeliness.late is True


def test_an_accepted_handover_waits_for_the_receiving_case_s_child(unopened):
    with pytest.raises(ChildNotYetKnownError):
        draft_for(wrap(accepted()), unopened)
