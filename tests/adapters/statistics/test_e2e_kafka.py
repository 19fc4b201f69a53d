"""Both reporting adapters end to end: real broker, the hub, stand-ins served on loopback.

Trigger events are produced onto their domain topics; the hub routes them to the
``statistics`` component (built by the hub from its settings, its memory in the group's
stores) and the ``appeals`` component, which call the stand-ins over real HTTP and
publish their outcomes on the reporting topic. Placement reports name the child of the
case, which only the case's ``CaseOpened`` (on the case topic) carries.
"""

import asyncio
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from adapters.appeals import AppealsClient, build_appeal_forwarder
from adapters.appeals.standin import AppealsStandin
from adapters.registry import COMPONENTS
from adapters.statistics import Memory
from adapters.statistics.reports import report_id_for
from adapters.statistics.standin import Failure, StatisticsStandin
from contracts.binding import from_kafka, to_kafka
from contracts.decision import DecisionUpheld
from contracts.envelope import new_event
from contracts.reporting import (
    AppealForwarded,
    AppealOutOfTime,
    StatisticsRejected,
    StatisticsReported,
    StatisticsReportedLate,
)
from hub.compose.app import Component, create_app, group_of
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.routes import default_routes
from routing.topics import topic, topic_for
from tests.adapters.statistics.events import decided, notification, opened, started
from tests.kafka import produce, read_topic, wait_until_consumed
from tests.people import CHILD

pytestmark = pytest.mark.kafka


@dataclass
class Served:
    """A stand-in and the loopback URL it is served on."""

    standin: Any
    url: str


ROUTES = default_routes(COMPONENTS)


@pytest.fixture
def settings(hub_settings):
    return hub_settings.model_copy(update={"routes": ROUTES})


@pytest.fixture
async def dst():
    standin = StatisticsStandin()
    async with serving(standin.asgi()) as url:
        yield Served(standin, url)


@pytest.fixture
async def anke():
    standin = AppealsStandin()
    async with serving(standin.asgi()) as url:
        yield Served(standin, url)


def hub_app(settings, dst, anke):
    """The hub with both components: the reporter from its settings, the forwarder beside it."""
    holder: dict[str, Any] = {}

    async def publish(event):
        return await holder["app"].state.events.publish(event)

    anke_http = httpx.AsyncClient(base_url=anke.url, timeout=2.0)
    appeals = build_appeal_forwarder(
        AppealsClient(anke_http), publish, source="urn:casehub:appeals"
    )
    with_dst = settings.model_copy(
        update={"statistics": EndpointSettings(base_url=dst.url, timeout_s=2.0)}
    )
    holder["app"] = create_app(
        with_dst, extra=[Component("appeals", appeals, close=anke_http.aclose)]
    )
    return holder["app"]


def event_for(data, municipality, case_id="C-1"):
    return new_event(data, source="urn:casehub:test", municipality=municipality, case_id=case_id)


async def send(settings, event):
    record = to_kafka(event)
    await produce(
        settings.kafka,
        topic_for(event),
        record.value,
        key=record.key,
        headers=record.headers,
    )


def caused_by(*events, contract):
    ids = {e.envelope.id for e in events}

    def match(record):
        event = from_kafka(record.headers, record.value)
        return isinstance(event.data, contract) and event.envelope.causationid in ids

    return match


async def outcomes_of(settings, *causes, contract, count, within=60.0):
    """The distinct follow-ups (by event id) of ``contract`` caused by ``causes``, once there
    are ``count`` of them: a redelivered cause republishes the same id, which is one outcome."""
    reporting = topic("reporting", settings.municipalities[0])
    match = caused_by(*causes, contract=contract)
    async with asyncio.timeout(within):
        while True:
            records = await read_topic(settings.kafka, reporting)
            found = {}
            for record in filter(match, records):
                event = from_kafka(record.headers, record.value)
                found[event.envelope.id] = event
            if len(found) >= count:
                return list(found.values())
            await asyncio.sleep(0.3)


async def held_for_the_child(app, case, count, within=30.0):
    """Wait until the reporter holds ``count`` events of ``case`` for its child (in the task
    of whichever partition the case is on)."""
    group = group_of(app.state.settings, "statistics")
    (table,) = [t for t in app.state.tables if t.group == group]
    memory = Memory.on(table)  # the reporter's own table, read beside it

    def held():
        return max((len(memory.held_for_case(case, task)) for task in table.tasks), default=0)

    async with asyncio.timeout(within):
        while held() < count:
            await asyncio.sleep(0.1)


async def test_notification_and_placement_are_reported_once_each(settings, dst, anke):
    municipality = settings.municipalities[0]
    case = f"C-{uuid.uuid4().hex[:8]}"
    tip = event_for(notification(), municipality, case)
    decision = event_for(decided(), municipality, case)
    start = event_for(started(on=dt.date.today().isoformat()), municipality, case)  # noqa: DTZ011
    case_opened = event_for(opened(), municipality, case)
    dst.standin.failure = Failure.SERVER_ERROR  # the first attempts fail; retries go through
    app = hub_app(settings, dst, anke)
    async with serving(app):
        await send(settings, tip)
        async with asyncio.timeout(30):
            while dst.standin.calls < 2:  # the first attempt and one retry were refused
                await asyncio.sleep(0.05)
        dst.standin.failure = Failure.NONE
        await send(settings, tip)  # redelivered by the producer: still one report
        await send(settings, decision)
        await send(settings, start)
        # The case system's CaseOpened lags on the case topic: no placement report without
        # the child; both placement events wait for it in the reporter's memory.
        await held_for_the_child(app, case, count=2)
        assert {r.record.kind for r in dst.standin.reports} <= {"notification"}
        await send(settings, case_opened)
        found = await outcomes_of(
            settings, tip, decision, start, contract=StatisticsReported, count=3
        )
        late = await outcomes_of(settings, decision, contract=StatisticsReportedLate, count=1)
    outcomes = {e.envelope.causationid: e.data for e in found}
    assert len(found) == 3
    assert late[0].data.rule_id == "statistics.placement-decision"  # decided in September
    expected = {report_id_for(e.envelope.id) for e in (tip, decision, start)}
    assert {r.report_id for r in dst.standin.reports} == expected
    assert len(dst.standin.reports) == 3
    assert (outcomes[decision.envelope.id].form, outcomes[decision.envelope.id].event_code) == (
        1,
        0,
    )
    assert (outcomes[start.envelope.id].form, outcomes[start.envelope.id].event_code) == (2, 0)
    assert outcomes[tip.envelope.id].kind == "notification"
    placements = [r for r in dst.standin.reports if r.record.kind == "placement"]
    assert [r.report_id for r in placements] == [
        report_id_for(decision.envelope.id),
        report_id_for(start.envelope.id),
    ]
    for report in placements:  # as the stand-in read it off the wire
        assert json.loads(report.model_dump_json())["record"]["child"] == {"cpr": CHILD}
        assert report.record.case_ref == case


async def test_a_rejected_report_is_published_as_rejected(settings, dst, anke):
    municipality = settings.municipalities[0]
    tip = event_for(notification(), municipality)
    dst.standin.reject[report_id_for(tip.envelope.id)] = "CPR_UNKNOWN"
    async with serving(hub_app(settings, dst, anke)):
        await send(settings, tip)
        (outcome,) = await outcomes_of(settings, tip, contract=StatisticsRejected, count=1)
    rejected = outcome.data
    assert isinstance(rejected, StatisticsRejected)
    assert rejected.codes == ("CPR_UNKNOWN",)
    assert dst.standin.reports == []


async def test_an_upheld_appeal_is_forwarded_once_and_marked_out_of_time(settings, dst, anke):
    municipality = settings.municipalities[0]
    delivered = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    appeal = DecisionUpheld.model_validate(
        {
            "appeal_id": "a-1",
            "decision_id": "d-1",
            "legal_basis": {"law": "BL", "paragraph": "47"},
            "appellant": "custody_holder",
            "decision_delivered_at": delivered.isoformat(),
            "appeal_received_at": (delivered + dt.timedelta(weeks=5)).isoformat(),
            "reviewed_at": (delivered + dt.timedelta(weeks=6)).isoformat(),
            "grounds": "Synthetic grounds.",
            "document_ids": ["doc-1"],
        },
        strict=False,
    )
    upheld = event_for(appeal, municipality)
    app = hub_app(settings, dst, anke)
    async with serving(app):
        await send(settings, upheld)
        await send(settings, upheld)
        await outcomes_of(settings, upheld, contract=AppealOutOfTime, count=1)
        forwarded = await outcomes_of(settings, upheld, contract=AppealForwarded, count=1)
        # Both copies have their outcome: a second forwarding would have happened by now.
        group = f"{settings.group_prefix}.appeals"
        await wait_until_consumed(settings.kafka, group, [topic_for(upheld)])
        assert app.state.store.parked_count(group) == 0
    assert forwarded[0].data.upheld_after_review is True
    assert len(anke.standin.appeals) == 1
    assert anke.standin.appeals[0].in_time is False
