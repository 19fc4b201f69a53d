"""The reporter handler: events in, reports at the stand-in, outcomes published."""

import datetime as dt
import json

import httpx
import pytest
from structlog.testing import capture_logs

from adapters.registry import COMPONENTS
from adapters.statistics import COMPONENT
from adapters.statistics.client import StatisticsClient
from adapters.statistics.port import StatisticsRefusedError, StatisticsUnavailableError
from adapters.statistics.reports import report_id_for
from adapters.statistics.standin import Failure, StatisticsStandin
from adapters.statistics.wiring import NAME, build_statistics_reporter
from contracts.case import CaseOpened
from contracts.cpr import Cpr
from contracts.envelope import follow_up_id
from contracts.reporting import StatisticsRejected, StatisticsReported, StatisticsReportedLate
from hub.clock import COPENHAGEN
from hub.runtime.state import MemoryChangelog
from routing.routes import default_routes
from tests.adapters.statistics.events import (
    changed,
    decided,
    ended,
    notification,
    opened,
    started,
    wrap,
)
from tests.adapters.statistics.memories import InTask, in_its_task, memory_on
from tests.people import CHILD, MOTHER

NOW = dt.datetime(2026, 9, 20, 12, tzinfo=COPENHAGEN)


class Harness:
    """The reporter on a state table, each event handled in its task, as the delivery does."""

    def __init__(self, memory, table, now=NOW, standin=None):
        self.now = now
        self.standin = standin or StatisticsStandin(clock=lambda: self.now)
        http = httpx.AsyncClient(base_url="http://dst", transport=self.standin.transport())
        self.published = []
        self.table = table
        self.memory = InTask(memory)  # what it keeps of municipality 101's cases
        self.handler = build_statistics_reporter(
            StatisticsClient(http),
            self.publish,
            source="urn:casehub:statistics",
            memory=memory,
            clock=lambda: self.now,
        )
        self.handle = in_its_task(self.handler)  # as the delivery runs it

    @classmethod
    async def on(cls, changelog=None, **options):
        """A reporter whose table is restored from ``changelog`` (a new instance)."""
        memory, table = await memory_on(changelog)
        return cls(memory, table, **options)

    async def publish(self, event):
        self.published.append(event)
        return "topic"

    def of(self, contract):
        return [e for e in self.published if isinstance(e.data, contract)]


@pytest.fixture
async def hub():
    return await Harness.on()


async def test_a_notification_is_reported_and_the_outcome_published(hub):
    event = wrap(notification(notification_id="n-1"))
    await hub.handle(event)
    (outcome,) = hub.published
    assert isinstance(outcome.data, StatisticsReported)
    assert outcome.envelope.id == follow_up_id(event.envelope.id, StatisticsReported.event_type)
    assert outcome.envelope.causationid == event.envelope.id
    assert outcome.data.report_id == report_id_for(event.envelope.id)
    assert outcome.data.subject_id == "n-1"
    assert outcome.data.format_version == "2026-07"
    assert outcome.data.corrects is None
    assert [r.report_id for r in hub.standin.reports] == [outcome.data.report_id]


async def test_a_redelivered_event_is_one_report(hub):
    event = wrap(notification())
    await hub.handle(event)
    await hub.handle(event)
    assert len(hub.standin.reports) == 1
    assert hub.standin.duplicates == 1
    assert len({e.envelope.id for e in hub.published}) == 1


async def test_a_second_event_about_the_same_occurrence_is_a_correction(hub):
    first = wrap(notification(notification_id="n-1"))
    second = wrap(notification(notification_id="n-1", reasons=["violence"]))
    await hub.handle(first)
    await hub.handle(second)
    original, correction = hub.standin.reports
    assert correction.corrects == original.report_id
    assert correction.report_id != original.report_id
    assert [e.data.corrects for e in hub.of(StatisticsReported)] == [None, original.report_id]
    assert original.record.reasons != correction.record.reasons, "the original is untouched"


async def test_a_placement_flow_is_reported_on_its_forms(hub):
    for data in (opened(), decided(), started(), changed("placement_place"), ended()):
        await hub.handle(wrap(data))
    codes = [(r.record.form, r.record.event_code) for r in hub.standin.reports]
    assert codes == [(1, 0), (2, 0), (2, 1), (2, 5)]
    assert {r.record.child.cpr for r in hub.standin.reports} == {CHILD}
    outcomes = hub.of(StatisticsReported)
    assert [(o.data.form, o.data.event_code) for o in outcomes] == codes
    assert hub.of(StatisticsReportedLate) == []


async def test_a_supporting_measure_is_not_reported(hub):
    await hub.handle(wrap(decided("consultancy")))
    await hub.handle(wrap(started()))
    assert hub.standin.reports == []
    assert hub.published == []


async def test_a_measure_event_before_its_decision_is_held_and_reported_after_it(hub):
    await hub.handle(wrap(opened()))
    early = wrap(started())
    await hub.handle(early)  # returns: retrying would keep the decision waiting behind it
    assert hub.standin.calls == 0
    assert hub.published == []
    await hub.handle(wrap(decided()))
    codes = [(r.record.form, r.record.event_code) for r in hub.standin.reports]
    assert codes == [(1, 0), (2, 0)]
    assert hub.of(StatisticsReported)[-1].envelope.causationid == early.envelope.id
    assert hub.memory.held("m-1") == []


async def test_a_held_event_of_a_supporting_measure_is_dropped_with_its_decision(hub):
    await hub.handle(wrap(started()))
    await hub.handle(wrap(decided("consultancy")))
    assert hub.standin.reports == []
    assert hub.memory.held("m-1") == []


async def test_a_late_report_says_so_in_the_report_and_in_an_outcome(hub):
    await hub.handle(wrap(opened()))
    await hub.handle(wrap(decided()))
    hub.now = dt.datetime(2026, 11, 17, 0, 0, 59, tzinfo=COPENHAGEN)  # 19 Oct + 4 weeks + 1 min
    event = wrap(changed("placement_place", on="2026-10-19"))
    await hub.handle(event)
    report = hub.standin.reports[-1]
    assert report.record.timeliness.late is True
    (late,) = hub.of(StatisticsReportedLate)
    assert late.data.report_id == report.report_id
    assert late.data.rule_id == "statistics.placement-event"
    assert late.data.due_at == dt.datetime(2026, 11, 16, 23, 59, 59, 999999, tzinfo=COPENHAGEN)
    assert late.envelope.causationid == event.envelope.id


async def test_a_rejected_report_is_published_as_rejected(hub):
    event = wrap(notification())
    hub.standin.reject[report_id_for(event.envelope.id)] = "CPR_UNKNOWN"
    with capture_logs() as logs:
        await hub.handle(event)
    (outcome,) = hub.published
    assert isinstance(outcome.data, StatisticsRejected)
    assert outcome.data.codes == ("CPR_UNKNOWN",)
    assert CHILD not in repr(logs)


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.SERVER_ERROR, StatisticsUnavailableError),
        (Failure.UNAUTHORISED, StatisticsRefusedError),
    ],
)
async def test_an_unavailable_or_refusing_receiver_raises_for_the_delivery_policy(
    hub, failure, error
):
    hub.standin.failure = failure
    event = wrap(notification())
    with pytest.raises(error):
        await hub.handle(event)
    assert hub.published == []
    hub.standin.failure = Failure.NONE
    await hub.handle(event)
    assert len(hub.of(StatisticsReported)) == 1


async def test_logs_carry_ids_only(hub):
    with capture_logs() as logs:
        await hub.handle(wrap(notification()))
    (line,) = logs
    assert line["event"] == "statistics_reported"
    assert CHILD not in repr(line)
    assert set(line) >= {"event_id", "case_id", "report_id", "late"}


def placement_codes(hub):
    return [(r.record.form, r.record.event_code) for r in hub.standin.reports]


async def test_case_opened_reports_nothing_itself(hub):
    await hub.handle(wrap(opened()))
    assert hub.standin.calls == 0
    assert hub.published == []
    assert hub.memory.child_of("C-1") == Cpr(CHILD)


async def test_a_placement_before_its_case_is_opened_is_held_then_reported_with_the_child(hub):
    decision, start = wrap(decided()), wrap(started())
    await hub.handle(decision)
    await hub.handle(start)
    assert hub.standin.calls == 0, "no report without the child"
    assert hub.published == []
    assert [i for i, _ in hub.memory.held_for_case("C-1")] == [
        decision.envelope.id,
        start.envelope.id,
    ]
    await hub.handle(wrap(opened()))
    assert placement_codes(hub) == [(1, 0), (2, 0)], "in arrival order"
    assert [r.record.child.cpr for r in hub.standin.reports] == [CHILD, CHILD]
    assert [r.report_id for r in hub.standin.reports] == [
        report_id_for(decision.envelope.id),
        report_id_for(start.envelope.id),
    ]
    assert [e.envelope.causationid for e in hub.of(StatisticsReported)] == [
        decision.envelope.id,
        start.envelope.id,
    ]
    assert hub.memory.held_for_case("C-1") == []


async def test_a_measure_event_before_its_decision_before_its_case_is_opened(hub):
    await hub.handle(wrap(started()))  # held for its decision
    await hub.handle(wrap(decided()))  # held for the child, and the start behind it
    assert hub.standin.calls == 0
    assert hub.memory.held("m-1") == []
    assert len(hub.memory.held_for_case("C-1")) == 2
    await hub.handle(wrap(opened()))
    assert placement_codes(hub) == [(1, 0), (2, 0)]


async def test_a_redelivered_held_event_is_reported_once(hub):
    decision = wrap(decided())
    await hub.handle(decision)
    await hub.handle(decision)
    case_opened = wrap(opened())
    await hub.handle(case_opened)
    await hub.handle(case_opened)  # redelivered too: nothing left to release
    await hub.handle(decision)  # and the decision once more, after the case is known
    assert placement_codes(hub) == [(1, 0)]
    assert hub.standin.duplicates == 1
    assert len({e.envelope.id for e in hub.of(StatisticsReported)}) == 1
    assert hub.of(StatisticsReported)[0].data.corrects is None


async def test_only_the_opened_case_is_released(hub):
    await hub.handle(wrap(decided(), case_id="C-2"))
    await hub.handle(wrap(opened(child=MOTHER), case_id="C-1"))
    await hub.handle(wrap(opened(), municipality="751", case_id="C-2"))
    assert hub.standin.calls == 0
    await hub.handle(wrap(opened(), case_id="C-2"))
    assert [r.record.child.cpr for r in hub.standin.reports] == [CHILD]


async def test_a_supporting_measure_does_not_wait_for_the_case(hub):
    await hub.handle(wrap(decided("consultancy")))
    await hub.handle(wrap(started()))
    assert hub.memory.held_for_case("C-1") == []


async def test_what_waits_for_the_child_is_known_to_a_new_instance():
    changelog = MemoryChangelog()
    before = await Harness.on(changelog)
    decision = wrap(decided())
    await before.handle(decision)
    await before.table.flush()  # as the delivery does before it commits the offset
    # Another instance takes the partition (or the hub restarted); DST is the same.
    after = await Harness.on(changelog, standin=before.standin)
    await after.handle(wrap(opened()))
    assert placement_codes(after) == [(1, 0)]
    assert json.loads(after.standin.reports[0].model_dump_json())["record"]["child"]["cpr"] == CHILD
    assert after.of(StatisticsReported)[0].envelope.causationid == decision.envelope.id


async def test_the_child_and_the_measures_of_a_case_are_known_to_a_new_instance():
    changelog = MemoryChangelog()
    before = await Harness.on(changelog)
    await before.handle(wrap(opened()))
    await before.handle(wrap(decided()))
    await before.table.flush()
    after = await Harness.on(changelog, standin=before.standin)
    await after.handle(wrap(started()))  # needs the decision's facts and the child
    assert placement_codes(after) == [(1, 0), (2, 0)]
    assert [
        json.loads(r.model_dump_json())["record"]["child"]["cpr"] for r in after.standin.reports
    ] == [CHILD, CHILD]


async def test_a_correction_is_found_by_a_new_instance():
    changelog = MemoryChangelog()
    before = await Harness.on(changelog)
    await before.handle(wrap(notification(notification_id="n-1")))
    await before.table.flush()
    after = await Harness.on(changelog, standin=before.standin)
    await after.handle(wrap(notification(notification_id="n-1", reasons=["violence"])))
    original, correction = after.standin.reports
    assert correction.corrects == original.report_id


async def test_dst_down_while_releasing_leaves_the_rest_held_and_the_case_opened_retried(hub):
    for data in (decided(), started(), ended()):
        await hub.handle(wrap(data))
    case_opened = wrap(opened())
    answer = hub.standin.answer

    def down_after_one(method, path, body):
        if hub.standin.calls >= 1:
            hub.standin.failure = Failure.SERVER_ERROR
        return answer(method, path, body)

    hub.standin.answer = down_after_one
    with pytest.raises(StatisticsUnavailableError):
        await hub.handle(case_opened)  # the delivery policy retries it
    assert placement_codes(hub) == [(1, 0)]
    assert len(hub.memory.held_for_case("C-1")) == 2, "the reported one is forgotten"
    hub.standin.answer = answer
    hub.standin.failure = Failure.NONE
    await hub.handle(case_opened)  # the retry
    assert placement_codes(hub) == [(1, 0), (2, 0), (2, 5)]
    assert hub.standin.duplicates == 0
    assert hub.memory.held_for_case("C-1") == []


async def test_holding_and_releasing_log_ids_only(hub):
    with capture_logs() as logs:
        await hub.handle(wrap(decided()))
        await hub.handle(wrap(opened()))
    assert [line["event"] for line in logs] == [
        "statistics_held",
        "statistics_reported",
        "statistics_child_known",
    ]
    assert logs[0]["waits_for"] == "case_opened"
    assert logs[2]["released"] == 1
    assert CHILD not in repr(logs)


def test_the_default_route_brings_the_reporter_every_trigger_case_opened_included():
    (route,) = [r for r in default_routes(COMPONENTS) if r.consumer == NAME]
    assert route.event_types == {t.event_type for t in COMPONENT.consumes}
    assert CaseOpened.event_type in route.event_types
