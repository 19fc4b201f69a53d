"""Every DST event code 0-6, and a received handover, is reported and clocked on the real broker.

The hub runs as the composition root builds it (default routes, the statistics reporter
pointed at the DST stand-in, the deadline engine on the real clock). For each code the
case system's events are produced onto their topics; the test then waits for three things,
each of which fails if the code is not wired end to end:

1. the report at the DST stand-in, with its form and code (the reporter handled it);
2. the engine's ``DeadlineSet`` for the code's 4-week rule, from the same trigger event;
3. the ``DeadlineMet`` of that deadline, met by the reporter's own outcome event.

Events are dated now, so every deadline is four weeks away and a met is never a late one.
"""

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from adapters.statistics.reports import report_id_for
from adapters.statistics.standin import StatisticsStandin
from contracts.binding import from_kafka, to_kafka
from contracts.deadlines import DeadlineMetV2, DeadlineSetV2
from contracts.envelope import new_event
from contracts.reporting import StatisticsReported, TransferReported
from hub.compose.app import create_app
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.topics import topic, topic_for
from tests.adapters.statistics import events
from tests.hub.deadlines.onbroker import kept as engine_kept
from tests.kafka import produce, read_topic, wait_for_records

pytestmark = pytest.mark.kafka

WITHIN_S = 45.0


@dataclass(frozen=True)
class Code:
    """One code's scenario: what comes before the trigger, the trigger, what to expect."""

    name: str
    before: tuple[str, ...]  # builders run before the trigger ("decided", "decided_without")
    trigger: str
    form: int | None  # None: a transfer record
    code: int | None
    rule_id: str  # as the deadline contracts write it


CODES = [
    Code("0", (), "decided", 1, 0, "statistics-placement-decision"),
    Code("1", ("decided",), "place_changed", 2, 1, "statistics-placement-event"),
    Code("2", ("decided_without",), "consent_given", 2, 2, "statistics-placement-event"),
    Code("3", ("decided",), "followed_up", 2, 3, "statistics-placement-follow-up"),
    Code("4", (), "committee", 2, 4, "statistics-placement-committee"),
    Code("5", ("decided",), "ended", 2, 5, "statistics-placement-end"),
    Code("6", (), "aftercare", 3, 6, "statistics-aftercare-decision"),
    Code("transfer", (), "accepted", None, None, "statistics-responsibility-transfer"),
]


def builders(now: dt.datetime, case_id: str):
    today = now.date().isoformat()
    at = now.isoformat()
    return {
        "decided": lambda: events.decided(decided_at=at, period={"start": today}),
        "decided_without": lambda: events.decided(
            "placement_without_consent", decided_at=at, period={"start": today}
        ),
        "place_changed": lambda: events.changed("placement_place", on=today),
        "consent_given": lambda: events.changed("consent", on=today),
        "followed_up": lambda: events.followed_up(at=at),
        "committee": lambda: events.committee(decision_id=f"cd-{case_id}", decided_at=at),
        "ended": lambda: events.ended(on=today),
        "aftercare": lambda: events.aftercare(at=at),
        "accepted": lambda: events.accepted(at=at, new_case_id=case_id),
    }


@pytest.fixture
async def dst():
    standin = StatisticsStandin()
    async with serving(standin.asgi()) as url:
        yield standin, url


async def send(settings, event):
    record = to_kafka(event)
    await produce(
        settings.kafka,
        topic_for(event),
        record.value,
        key=record.key,
        headers=record.headers,
    )


async def kept(settings, key: str):
    """Wait until the engine keeps a fact (the child, a measure) it needs for what follows.

    The engine reads several topics with no order between them; the statistics reporter
    holds what comes early, the engine retries it, so the test lets each fact land first.
    """
    await engine_kept(settings, key)  # in the engine's changelog


async def reported(standin: StatisticsStandin, report_id: str):
    async with asyncio.timeout(WITHIN_S):
        while not any(r.report_id == report_id for r in standin.reports):
            await asyncio.sleep(0.1)
    return standin.by_id(report_id)


def deadline(event_type: str, **fields):
    def match(record):
        if dict(record.headers).get("ce_type") != event_type.encode():
            return False
        data = from_kafka(record.headers, record.value).data
        return all(getattr(data, k) == v for k, v in fields.items())

    return match


@pytest.mark.parametrize("code", CODES, ids=[c.name for c in CODES])
async def test_each_code_is_reported_and_its_four_week_clock_set_and_met(hub_settings, dst, code):
    standin, url = dst
    settings = hub_settings.model_copy(
        update={"statistics": EndpointSettings(base_url=url, timeout_s=2.0)}
    )
    municipality = settings.municipalities[0]
    case_id = f"C-{uuid.uuid4().hex[:8]}"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    build = builders(now, case_id)

    def wrap(data):
        return new_event(
            data, source="urn:casehub:test", municipality=municipality, case_id=case_id
        )

    trigger = wrap(build[code.trigger]())
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    async with serving(create_app(settings)):
        await send(settings, wrap(events.opened()))
        await kept(settings, f"fact:child:{case_id}")
        for name in code.before:
            await send(settings, wrap(build[name]()))
            await kept(settings, "fact:measure:m-1")
        await send(settings, trigger)

        report = await reported(standin, report_id_for(trigger.envelope.id))
        deadline_topic = topic("deadline", municipality)
        (set_,) = await wait_for_records(
            settings.kafka,
            deadline_topic,
            deadline(
                "dk.casehub.deadline.set",
                rule_id=code.rule_id,
                trigger_event_id=trigger.envelope.id,
            ),
            within=WITHIN_S,
        )
        set_data = from_kafka(set_.headers, set_.value).data
        assert isinstance(set_data, DeadlineSetV2)
        deadline_id = set_data.deadline_id
        (met,) = await wait_for_records(
            settings.kafka,
            deadline_topic,
            deadline("dk.casehub.deadline.met", deadline_id=deadline_id),
            within=WITHIN_S,
        )
        outcomes = [
            from_kafka(r.headers, r.value)
            for r in await read_topic(settings.kafka, topic("reporting", municipality))
        ]
    (outcome,) = [e for e in outcomes if e.envelope.causationid == trigger.envelope.id]
    record = report.record
    if code.form is None:
        assert record.kind == "transfer"
        assert isinstance(outcome.data, TransferReported)
    else:
        assert (record.form, record.event_code) == (code.form, code.code)
        assert isinstance(outcome.data, StatisticsReported)
        assert (outcome.data.form, outcome.data.event_code) == (code.form, code.code)
    assert record.timeliness.rule_id == code.rule_id.replace("-", ".", 1)
    assert record.timeliness.late is False
    met_data = from_kafka(met.headers, met.value).data
    assert isinstance(met_data, DeadlineMetV2)
    assert met_data.met_by_event_id == outcome.envelope.id
