"""The deadline engine on the real broker: deadlines survive a restart of the hub.

The hub runs with the engine as a component and its ticker beside it, as the composition
root will run them; the clock is injected, so a 24-hour deadline falls due on demand.
"""

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner

from contracts.binding import from_kafka, to_kafka
from hub.cli.main import main
from hub.components.deadlines.engine import NAME, DeadlineEngine
from hub.components.deadlines.statetopic import StateTopic, state_topic
from hub.components.deadlines.wiring import build_deadlines
from hub.compose.app import build_context, create_app
from hub.runtime.serve import serving
from routing.topics import topic
from tests.hub.deadlines.casework import CaseFile
from tests.kafka import WITHIN_S, produce, read_topic, wait_for_records

pytestmark = pytest.mark.kafka

SET = "dk.casehub.deadline.set"
MET = "dk.casehub.deadline.met"
MISSED = "dk.casehub.deadline.missed"
WITHDRAWN = "dk.casehub.deadline.withdrawn"
ASSESSMENT = "notification-acute-assessment"
START = "statistics-placement-start"


class Clock:
    """Real time plus an offset the test moves."""

    def __init__(self):
        self.offset = dt.timedelta(0)

    def __call__(self):
        return dt.datetime.now(dt.UTC) + self.offset


class Ticks:
    """The engine's finished ticks, counted (the ticker starts ticking once the state is loaded)."""

    def __init__(self):
        self.done = 0

    async def wait(self, count):
        """Wait until ``count`` ticks have run with the clock as it is now.

        The tick under way may have read the clock before the test moved it, so this waits
        for one more. It waits for ticks, not for an amount of time.
        """
        wanted = self.done + count + 1
        async with asyncio.timeout(WITHIN_S):
            while self.done < wanted:
                await asyncio.sleep(0.05)


@pytest.fixture
def ticks(monkeypatch):
    """Count each tick the engine finishes (``run_ticker`` calls ``DeadlineEngine.tick``)."""
    counted = Ticks()
    tick = DeadlineEngine.tick

    async def counting(engine):
        taken = await tick(engine)
        counted.done += 1
        return taken

    monkeypatch.setattr(DeadlineEngine, "tick", counting)
    return counted


@pytest.fixture
def settings(hub_settings):
    # The tests run their own engine (with a clock they move) in place of the built-in one.
    return hub_settings.model_copy(update={"deadlines": None})


class RunningHub:
    """One run of the hub with the engine wired as the composition root wires it."""

    def __init__(self, settings, clock):
        self.settings = settings
        self.clock = clock

    async def __aenter__(self):
        app_holder: dict[str, Any] = {}

        async def publish(event):  # the app's own publisher, once the app exists
            return await app_holder["app"].state.events.publish(event)

        component = build_deadlines(
            build_context(self.settings, publish, NAME),
            clock=self.clock,
            tick_s=0.2,
            grace=dt.timedelta(0),
        )
        app = create_app(self.settings, extra=[component])
        app_holder["app"] = app
        self._serving = serving(app)
        await self._serving.__aenter__()
        return self

    async def __aexit__(self, *exc):
        await self._serving.__aexit__(*exc)


async def deadline_events(settings, event_type):
    records = await read_topic(
        settings.bootstrap_servers, topic("deadline", municipality(settings))
    )
    events = [from_kafka(r.headers, r.value) for r in records]
    return [e for e in events if event_type in {None, e.envelope.type}]


def municipality(settings):
    return settings.municipalities[0]


async def child_kept(settings, case):
    """Wait until the engine keeps the child's birth date from the case's CaseOpened.

    MeasureDecided always needs it, and CaseOpened comes on the case topic: Kafka has no
    order between topics, and while a new topic's partitions elect leaders the case topic
    can lag. A decision read first is retried (six attempts in about 3.4 s here), then
    quarantined. The engine writes the fact to its state topic and keeps it in memory in
    the same step, and handles the decision after it, in the same consumer.
    """
    kept = f"fact:child:{case.case_id}".encode()
    state = state_topic(municipality(settings))
    await wait_for_records(settings.bootstrap_servers, state, lambda r: r.key == kept)


def of_type(event_type):
    return lambda r: dict(r.headers).get("ce_type") == event_type.encode()


async def send(settings, event):
    record = to_kafka(event)
    domain = type(event.data).domain
    await produce(
        settings.bootstrap_servers,
        topic(domain, municipality(settings)),
        record.value,
        key=record.key,
        headers=record.headers,
    )


async def test_a_restart_between_set_and_due_still_misses_exactly_once(settings, ticks):
    clock = Clock()
    case = CaseFile(municipality(settings))
    trigger = case.notification(dt.datetime.now(dt.UTC).replace(microsecond=0))
    deadline_topic = topic("deadline", municipality(settings))
    async with RunningHub(settings, clock):
        await send(settings, trigger)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(SET), count=2)
    assert await deadline_events(settings, MISSED) == []

    clock.offset = dt.timedelta(hours=24, seconds=5)  # the hub was down past the due time
    async with RunningHub(settings, clock):
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(MISSED))
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
    state = await read_topic(settings.bootstrap_servers, state_topic(municipality(settings)))
    assert state, "the deadlines are kept in the state topic"


async def test_an_assessment_a_minute_before_due_is_met_and_never_missed(settings, ticks):
    clock = Clock()
    case = CaseFile(municipality(settings))
    received = dt.datetime.now(dt.UTC).replace(microsecond=0)
    trigger = case.notification(received)
    due = received + dt.timedelta(hours=24)
    deadline_topic = topic("deadline", municipality(settings))
    async with RunningHub(settings, clock):
        await send(settings, trigger)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(SET), count=2)
        clock.offset = dt.timedelta(hours=24, minutes=-1)
        answer = case.assessed(trigger.data.notification_id, due - dt.timedelta(minutes=1))
        await send(settings, answer)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(MET))
        clock.offset = dt.timedelta(hours=25)
        await ticks.wait(5)  # five ticks past the due time
    (met,) = await deadline_events(settings, MET)
    assert (met.data.rule_id, met.data.met_by_event_id) == (ASSESSMENT, answer.envelope.id)
    assert met.data.met_at == due - dt.timedelta(minutes=1)
    assert await deadline_events(settings, MISSED) == []


def test_status_prints_the_open_deadlines_from_the_state_topic(settings):
    """Sync on purpose: the command runs its own event loop, as from a shell."""
    code = municipality(settings)
    published = []

    async def publish(event):
        published.append(event)
        return "topic"

    async def fill():
        case = CaseFile(code)
        store = StateTopic(settings.bootstrap_servers, settings.municipalities)
        engine = DeadlineEngine(publish=publish, store=store, source="urn:test")
        await engine.start()
        trigger = case.notification(dt.datetime.now(dt.UTC).replace(microsecond=0))
        await engine.handle(trigger)
        await engine.handle(case.assessed(trigger.data.notification_id, dt.datetime.now(dt.UTC)))
        await engine.close()
        return case

    case = asyncio.run(fill())
    bootstrap = ["--bootstrap", settings.bootstrap_servers]
    result = CliRunner().invoke(main, ["deadlines", "status", *bootstrap, "--municipality", code])
    assert result.exit_code == 0, result.output
    (receipt,) = json.loads(result.output)
    assert (receipt["rule"], receipt["status"]) == ("notification.receipt", "set")
    assert (receipt["case_id"], receipt["municipality"]) == (case.case_id, code)
    assert receipt["unpublished"] == []
    everything = CliRunner().invoke(main, ["deadlines", "status", *bootstrap, "--all"])
    mine = [d for d in json.loads(everything.output) if d["case_id"] == case.case_id]
    assert sorted(d["status"] for d in mine) == ["met", "set"]


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
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(SET), count=2)
        plan = case.plan_created(now + dt.timedelta(days=3))
        await send(settings, plan)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(MET))
        await child_kept(settings, case)  # the decision needs it, from another topic
        decided = planned - dt.timedelta(hours=1)
        decision = case.measure_decided(decided, "placement_without_consent")
        await send(settings, decision)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(MISSED))
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
    the start (measure topic). The report is kept in the state topic, survives a restart,
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
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(SET), count=2)
        await send(settings, decision_report)
        await send(settings, start_report)  # before the start it reports
        kept = f"early:{start_report.envelope.id}".encode()
        await wait_for_records(
            settings.bootstrap_servers, state_topic(code), lambda r: r.key == kept
        )
    assert START not in {e.data.rule_id for e in await deadline_events(settings, SET)}

    async with RunningHub(settings, clock):  # a restart between the report and its trigger
        await send(settings, started)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(MET), count=2)
        await send(settings, case.measure_ended(now + dt.timedelta(days=10)))
        await wait_for_records(
            settings.bootstrap_servers, deadline_topic, of_type(WITHDRAWN), count=3
        )
        # The end is itself reported (code 5), on a clock of its own.
        end_report = case.statistics_report(now + dt.timedelta(days=11), "m-1", event_code=5)
        await send(settings, end_report)
        await wait_for_records(settings.bootstrap_servers, deadline_topic, of_type(MET), count=3)
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
