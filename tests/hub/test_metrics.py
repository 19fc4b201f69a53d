"""The metrics' own rules, without a broker: bounded labels, one registry per app."""

import httpx
from aiokafka import TopicPartition
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from hub.runtime.delivery import BreakerState
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.metrics import BREAKER_STATES, HubMetrics, calling, metrics_route
from hub.runtime.serve import serving
from hub.runtime.state.task import Task, in_task


def samples(metrics: HubMetrics, name: str):
    text = generate_latest(metrics.registry).decode()
    return [
        (s.labels, s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    ]


def test_breaker_states_are_the_breakers():
    assert tuple(sorted(state.value for state in BreakerState)) == BREAKER_STATES


def test_a_deadline_event_counts_as_its_kind_and_as_an_event():
    metrics = HubMetrics()
    for event_type in (
        "dk.casehub.deadline.set",
        "dk.casehub.deadline.set",
        "dk.casehub.deadline.missed",
    ):
        metrics.count_published(event_type, "101")
    metrics.count_published("dk.casehub.notification.received", "101")
    deadlines = {s[0]["event"]: s[1] for s in samples(metrics, "casehub_deadlines_total")}
    assert deadlines == {"set": 2, "missed": 1}
    published = {s[0]["type"]: s[1] for s in samples(metrics, "casehub_events_published_total")}
    assert published["dk.casehub.notification.received"] == 1


def test_two_apps_metrics_do_not_mix():
    one, other = HubMetrics(), HubMetrics()
    one.count_published("dk.casehub.deadline.met", "101")
    assert samples(other, "casehub_deadlines_total") == []


async def test_an_endpoint_call_is_timed_for_the_component_that_makes_it():
    async def answer(_request):
        return Response(status_code=503)

    metrics = HubMetrics()
    async with serving(Starlette(routes=[Route("/x", answer, methods=["POST"])])) as url:
        http = EndpointSettings(base_url=url).http_client()
        async with http:
            await http.post("/x")  # no component named: not timed
            with calling(metrics, "cpr"), in_task(Task("751", 2)):
                await http.post("/x")
    got = samples(metrics, "casehub_external_call_seconds_count")
    assert got == [({"component": "cpr", "municipality": "751", "outcome": "5xx"}, 1.0)]


class _Consumer:
    def __init__(self, highwaters, committed):
        self.highwaters, self.committed_offsets, self.asked = highwaters, committed, []

    def assignment(self):
        return set(self.highwaters)

    def highwater(self, partition):
        return self.highwaters[partition]

    async def committed(self, partition):
        self.asked.append(partition)
        return self.committed_offsets.get(partition)


class _Breaker:
    def __init__(self, state):
        self.state = state


class _Observed:
    def __init__(self, consumer, positions, state):
        self.consumer, self.positions, self.breaker = consumer, positions, _Breaker(state)


async def test_lag_and_breaker_are_read_when_scraped_and_committed_offsets_asked_once():
    held, undecided, unfetched = (TopicPartition("casehub.101.person.v1", p) for p in range(3))
    consumer = _Consumer({held: 10, undecided: 7, unfetched: None}, {undecided: 5})
    metrics = HubMetrics()
    app = Starlette(
        routes=[
            metrics_route(metrics, [("cpr", _Observed(consumer, {held: 4}, BreakerState.OPEN))])
        ]
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://hub") as http:
        for _ in range(2):
            text = (await http.get("/metrics")).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    lag = {s.labels["partition"]: s.value for s in families["casehub_consumer_lag"].samples}
    assert lag == {"0": 6, "1": 2}  # 10 - 4 decided; 7 - 5 committed; 2 not fetched: absent
    assert {s.labels["municipality"] for s in families["casehub_consumer_lag"].samples} == {"101"}
    assert consumer.asked == [undecided]  # once, not on every scrape
    states = {
        s.labels["casehub_breaker_state"]: s.value
        for s in families["casehub_breaker_state"].samples
    }
    assert states == {"closed": 0, "half_open": 0, "open": 1}


async def test_a_committed_offset_the_broker_cannot_give_leaves_the_partition_out_not_a_500():
    from aiokafka.errors import KafkaConnectionError

    asked, failing = (TopicPartition("casehub.101.person.v1", p) for p in range(2))

    class Failing(_Consumer):
        async def committed(self, partition):
            if partition == failing:
                raise KafkaConnectionError
            return await super().committed(partition)

    consumer = Failing({asked: 7, failing: 9}, {asked: 5})
    positions: dict[TopicPartition, int] = {}
    app = Starlette(
        routes=[
            metrics_route(
                HubMetrics(), [("cpr", _Observed(consumer, positions, BreakerState.CLOSED))]
            )
        ]
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://hub") as http:
        answer = await http.get("/metrics")
    assert answer.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    lag = {s.labels["partition"]: s.value for s in families["casehub_consumer_lag"].samples}
    assert lag == {"0": 2}
    assert failing not in positions  # asked again at the next scrape
