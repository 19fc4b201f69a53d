"""The deadline engine on the real broker: deadlines survive a restart of the hub.

The hub runs the registry's deadline component (``tests/hub/deadlines/onbroker.py``), its
state in its group's changelog; the clock is injected, so a 24-hour deadline falls due on
demand.
"""

import asyncio
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from hub.cli.main import main
from hub.components.deadlines.engine import STORE
from hub.web.viewer import Role
from routing.topics import topic
from tests.hub.deadlines.casework import CaseFile
from tests.hub.deadlines.onbroker import (
    Clock,
    RunningHub,
    Ticks,
    changelog_of,
    deadline_events,
    engine_settings,
    kept,
    send,
)
from tests.kafka import cli_options, read_topic, wait_for_records
from tests.web.dashboard.fixed_login import viewer
from tests.web.dashboard.pages import read_page

pytestmark = pytest.mark.kafka

SET = "dk.casehub.deadline.set"
MET = "dk.casehub.deadline.met"
MISSED = "dk.casehub.deadline.missed"
WITHDRAWN = "dk.casehub.deadline.withdrawn"
ASSESSMENT = "notification-acute-assessment"
START = "statistics-placement-start"


@pytest.fixture
def ticks(monkeypatch):
    counted = Ticks()
    counted.install(monkeypatch)
    return counted


@pytest.fixture
def settings(hub_settings):
    return engine_settings(hub_settings)


def municipality(settings):
    return settings.municipalities[0]


async def child_kept(settings, case):
    """Wait until the engine keeps the child's birth date from the case's CaseOpened.

    MeasureDecided always needs it, and CaseOpened comes on the case topic: Kafka has no
    order between topics, and while a new topic's partitions elect leaders the case topic
    can lag. A decision read first is retried (six attempts in about 3.4 s here), then
    quarantined. The engine keeps the fact in memory and in its store in the same step
    (durable in its changelog with the CaseOpened's commit), and handles the decision
    after it, in the same consumer.
    """
    await kept(settings, f"fact:child:{case.case_id}")


def of_type(event_type):
    return lambda r: dict(r.headers).get("ce_type") == event_type.encode()


async def test_a_restart_between_set_and_due_still_misses_exactly_once(settings, ticks):
    clock = Clock()
    case = CaseFile(municipality(settings))
    trigger = case.notification(dt.datetime.now(dt.UTC).replace(microsecond=0))
    deadline_topic = topic("deadline", municipality(settings))
    async with RunningHub(settings, clock):
        await send(settings, trigger)
        await wait_for_records(settings.kafka, deadline_topic, of_type(SET), count=2)
    assert await deadline_events(settings, MISSED) == []

    clock.offset = dt.timedelta(hours=24, seconds=5)  # the hub was down past the due time
    async with RunningHub(settings, clock):
        await wait_for_records(settings.kafka, deadline_topic, of_type(MISSED))
        await ticks.wait(5)  # five more ticks: nothing more to do

    async with RunningHub(settings, clock):  # and once more: the state says it is done
        await ticks.wait(5)  # the state loaded (what was unpublished published), then ticks
    (missed,) = await deadline_events(settings, MISSED)
    assert missed.data.rule_id == ASSESSMENT
    assert missed.data.trigger_event_id == trigger.envelope.id
    assert missed.data.due_at == trigger.data.received_at + dt.timedelta(hours=24)
    # A stop between publishing a DeadlineSet and recording it may publish it again on
    # start: the same event, same id, which consumers drop.
    sets = {e.envelope.id: e for e in await deadline_events(settings, SET)}
    assert len(sets) == 2
    assert all(e == sets[e.envelope.id] for e in await deadline_events(settings, SET))
    state = await read_topic(settings.kafka, changelog_of(settings))
    assert [r for r in state if r.key.startswith(f"{STORE}/".encode())], (
        "the deadlines are kept in the engine's changelog"
    )
    await _on_the_board(settings, case)


async def _on_the_board(settings, case):
    """The dashboard's legal-clock board shows the miss to the municipality's viewers only."""
    code, other = municipality(settings), "999"
    hub = (settings.kafka, (code, other), settings.group_prefix)
    board = (await read_page(*hub, viewer(Role.VIEWER, code), "/deadlines")).text
    (table,) = board.split("<caption>")[1:]  # the receipt deadline is only set: not shown
    assert table.startswith(f"{code} · ")
    row = table.split("<tbody>")[1].split("</tr>")[0]
    assert 'class="deadline-missed">missed<' in row
    assert f"<td>{case.case_id}</td>" in row
    elsewhere = (await read_page(*hub, viewer(Role.OPERATOR, other), "/deadlines")).text
    assert "No deadline approaching or missed." in elsewhere


async def test_an_assessment_a_minute_before_due_is_met_and_never_missed(settings, ticks):
    clock = Clock()
    case = CaseFile(municipality(settings))
    received = dt.datetime.now(dt.UTC).replace(microsecond=0)
    trigger = case.notification(received)
    due = received + dt.timedelta(hours=24)
    deadline_topic = topic("deadline", municipality(settings))
    async with RunningHub(settings, clock):
        await send(settings, trigger)
        await wait_for_records(settings.kafka, deadline_topic, of_type(SET), count=2)
        clock.offset = dt.timedelta(hours=24, minutes=-1)
        answer = case.assessed(trigger.data.notification_id, due - dt.timedelta(minutes=1))
        await send(settings, answer)
        await wait_for_records(settings.kafka, deadline_topic, of_type(MET))
        clock.offset = dt.timedelta(hours=25)
        await ticks.wait(5)  # five ticks past the due time
    (met,) = await deadline_events(settings, MET)
    assert (met.data.rule_id, met.data.met_by_event_id) == (ASSESSMENT, answer.envelope.id)
    assert met.data.met_at == due - dt.timedelta(minutes=1)
    assert await deadline_events(settings, MISSED) == []


def test_status_prints_the_open_deadlines_from_the_changelog(settings):
    """Sync on purpose: the command runs its own event loop, as from a shell."""
    code = municipality(settings)
    case = CaseFile(code)

    async def fill():
        deadline_topic = topic("deadline", code)
        async with RunningHub(settings, Clock()):
            trigger = case.notification(dt.datetime.now(dt.UTC).replace(microsecond=0))
            await send(settings, trigger)
            answer = case.assessed(trigger.data.notification_id, dt.datetime.now(dt.UTC))
            await send(settings, answer)
            await wait_for_records(settings.kafka, deadline_topic, of_type(MET))

    asyncio.run(fill())  # the hub stopped: its state flushed and committed
    options = [*cli_options(settings.kafka), "--group-prefix", settings.group_prefix]
    result = CliRunner().invoke(main, ["deadlines", "status", *options, "--municipality", code])
    assert result.exit_code == 0, result.output
    (receipt,) = json.loads(result.output)
    assert (receipt["rule"], receipt["status"]) == ("notification.receipt", "set")
    assert (receipt["case_id"], receipt["municipality"]) == (case.case_id, code)
    assert receipt["unpublished"] == []
    everything = CliRunner().invoke(main, ["deadlines", "status", *options, "--all"])
    mine = [d for d in json.loads(everything.output) if d["case_id"] == case.case_id]
    assert sorted(d["status"] for d in mine) == ["met", "set"]
    elsewhere = CliRunner().invoke(
        main, ["deadlines", "status", *options, "--municipality", code, "--group-prefix", "x"]
    )
    assert (elsewhere.exit_code, json.loads(elsewhere.output)) == (0, [])


async def test_a_placement_without_consent_is_planned_before_the_decision(settings):
    """The proposal sets the plan's deadline; the plan meets it; the decision cuts off the rest."""
    clock = Clock()
    case = CaseFile(municipality(settings))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    planned = now + dt.timedelta(days=14)
    proposal = case.measure_proposed(now, planned, "placement_without_consent")
    deadline_topic = topic("deadline", municipality(settings))
    async with RunningHub(settings, clock):
        await send(settings, case.case_opened(now - dt.timedelta(days=30)))
        await send(settings, proposal)
        await wait_for_records(settings.kafka, deadline_topic, of_type(SET), count=2)
        plan = case.plan_created(now + dt.timedelta(days=3))
        await send(settings, plan)
        await wait_for_records(settings.kafka, deadline_topic, of_type(MET))
        await child_kept(settings, case)  # the decision needs it, from another topic
        decided = planned - dt.timedelta(hours=1)
        decision = case.measure_decided(decided, "placement_without_consent")
        await send(settings, decision)
        await wait_for_records(settings.kafka, deadline_topic, of_type(MISSED))
    sets = {e.data.rule_id: e for e in await deadline_events(settings, SET)}
    before = sets["plan-placement-without-consent"]
    assert before.envelope.contractversion == 2
    assert before.data.trigger_event_id == proposal.envelope.id
    assert before.data.due_at == planned
    assert str(before.data.legal_basis) == "BL §91 stk. 2"
    (met,) = await deadline_events(settings, MET)
    assert (met.data.rule_id, met.data.met_by_event_id) == (
        "plan-placement-without-consent",
        plan.envelope.id,
    )
    assert met.data.deadline_id == before.data.deadline_id
    (missed,) = await deadline_events(settings, MISSED)  # the child was never heard
    assert (missed.data.rule_id, missed.envelope.causationid) == (
        "decision-child-heard",
        decision.envelope.id,
    )
    assert missed.envelope.time == decided


async def test_a_report_read_before_the_measure_start_meets_it_and_nothing_ever_misses(
    settings, ticks
):
    """The statistics adapter reports the start (reporting topic) before the engine has read
    the start (measure topic). The report is kept in the changelog, survives a restart,
    and the start's deadline is set and met at once; the measure's end withdraws what it
    ends, its own report meets the end's clock, and years later nothing has been missed.
    """
    clock = Clock()
    code = municipality(settings)
    case = CaseFile(code)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    deadline_topic = topic("deadline", code)
    reported = now + dt.timedelta(minutes=2)
    decision_report = case.statistics_report(now + dt.timedelta(minutes=1), "d-1")
    start_report = case.statistics_report(reported, "m-1")
    started = case.measure_started(now)
    async with RunningHub(settings, clock):
        await send(settings, case.case_opened(now - dt.timedelta(days=30)))
        await child_kept(settings, case)  # the decision needs it, from another topic
        await send(settings, case.measure_decided(now, "placement_with_consent"))
        await wait_for_records(settings.kafka, deadline_topic, of_type(SET), count=2)
        await send(settings, decision_report)
        await send(settings, start_report)  # before the start it reports
        await kept(settings, f"early:{start_report.envelope.id}")
    assert START not in {e.data.rule_id for e in await deadline_events(settings, SET)}

    async with RunningHub(settings, clock):  # a restart between the report and its trigger
        await send(settings, started)
        await wait_for_records(settings.kafka, deadline_topic, of_type(MET), count=2)
        await send(settings, case.measure_ended(now + dt.timedelta(days=10)))
        await wait_for_records(settings.kafka, deadline_topic, of_type(WITHDRAWN), count=3)
        # The end is itself reported (code 5), on a clock of its own.
        end_report = case.statistics_report(now + dt.timedelta(days=11), "m-1", event_code=5)
        await send(settings, end_report)
        await wait_for_records(settings.kafka, deadline_topic, of_type(MET), count=3)
        clock.offset = dt.timedelta(days=5 * 365)  # every deadline above long due
        await ticks.wait(5)  # five ticks

    assert await deadline_events(settings, MISSED) == []
    mine = [
        e
        for e in await deadline_events(settings, None)
        if e.data.rule_id == START and e.envelope.caseid == case.case_id
    ]
    assert [e.envelope.type for e in mine] == [SET, MET]
    set_, met = mine
    assert set_.data.trigger_event_id == started.envelope.id
    assert (met.data.met_at, met.data.met_by_event_id) == (reported, start_report.envelope.id)
    withdrawn = await deadline_events(settings, WITHDRAWN)
    assert {e.data.rule_id for e in withdrawn} == {
        "aftercare-decision",
        "follow-up-first",
        "plan-placement",
    }
