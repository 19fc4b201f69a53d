"""``/metrics`` on the real broker: flow counts, consumer lag and external calls that match
what the test produced, read back with the Prometheus client's parser."""

import asyncio

import pytest
from aiokafka import AIOKafkaProducer

from contracts.binding import to_kafka
from contracts.intake import NotificationReceived
from hub.compose.app import create_app
from hub.runtime.component import Component
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.errors import TransientError
from hub.runtime.serve import serving
from routing.routes import Route
from routing.topics import topic
from tests.effects import EffectStandIn
from tests.factories import notification_event
from tests.hub.metrics import scrape, total

pytestmark = pytest.mark.kafka

NOTIFIED = NotificationReceived.event_type
HOLD = "hold this one"  # the summary of the record the handler waits on


class Gated:
    """A component that calls a stand-in for every notification and can be held on one."""

    def __init__(self, url: str) -> None:
        self.http = EndpointSettings(base_url=url).http_client()
        self.release = asyncio.Event()
        self.holding = asyncio.Event()

    async def handle(self, event) -> None:
        if event.data.summary == HOLD:
            self.holding.set()
            await self.release.wait()
        answer = await self.http.post(f"/effects/{event.envelope.id}")
        if answer.status_code >= 300:
            raise TransientError(f"stand-in answered {answer.status_code}")

    def component(self) -> Component:
        return Component(
            name="gated",
            handler=self.handle,
            consumes=(NotificationReceived,),
            close=self.http.aclose,
        )


async def produce_all(kafka, name, records):
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send(name, value, key=key, headers=list(headers))
        await producer.flush()
    finally:
        await producer.stop()


async def scraped_until(url, condition, *, within=60.0):
    async with asyncio.timeout(within):
        while not condition(samples := await scrape(url)):
            await asyncio.sleep(0.2)
    return samples


def lag(samples, **labels):
    return {
        got["partition"]: value
        for got, value in samples.get("casehub_consumer_lag", [])
        if all(got.get(k) == v for k, v in labels.items())
    }


@pytest.fixture
async def standin():
    effects = EffectStandIn()
    async with serving(effects.app) as url:
        effects.url = url
        yield effects


async def test_metrics_count_what_was_produced_and_the_lag_behind_a_held_record(
    hub_settings, standin
):
    municipality = hub_settings.municipalities[0]
    intake = topic("intake", municipality)
    settings = hub_settings.model_copy(
        update={"routes": (Route(consumer="gated", event_types=frozenset({NOTIFIED})),)}
    )
    gated = Gated(standin.url)
    good = [to_kafka(notification_event(municipality)) for _ in range(5)]
    poison = [to_kafka(notification_event(municipality)) for _ in range(3)]
    flow = {"component": "gated", "municipality": municipality, "topic": intake}
    async with serving(create_app(settings, extra=[gated.component()])) as url:
        await produce_all(
            settings.kafka,
            intake,
            [(r.key, r.value, r.headers) for r in good]
            + [(r.key, b"{not json", r.headers) for r in poison],
        )
        samples = await scraped_until(
            url,
            lambda s: (
                total(s, "casehub_records_total", **flow, outcome="handled")
                + total(s, "casehub_records_total", **flow, outcome="quarantined")
                >= 8
            ),
        )
        assert total(samples, "casehub_records_total", **flow, outcome="handled") == 5
        assert total(samples, "casehub_records_total", **flow, outcome="quarantined") == 3
        assert total(samples, "casehub_records_total", **flow, outcome="retried") == 0
        assert total(samples, "casehub_records_received_total", **flow) == 8
        assert set(lag(samples, **flow).values()) == {0}
        assert set(lag(samples, **flow)) == {"0", "1", "2"}  # every partition, one instance
        calls = {"component": "gated", "municipality": municipality, "outcome": "2xx"}
        assert total(samples, "casehub_external_call_seconds_count", **calls) == 5
        assert (
            total(
                samples, "casehub_breaker_state", component="gated", casehub_breaker_state="closed"
            )
            == 1
        )

        # One record held in the handler, three of its case behind it on its partition.
        held = to_kafka(notification_event(municipality, summary=HOLD))
        behind = [to_kafka(notification_event(municipality)) for _ in range(3)]
        await produce_all(
            settings.kafka,
            intake,
            [(held.key, r.value, r.headers) for r in (held, *behind)],
        )
        await asyncio.wait_for(gated.holding.wait(), timeout=60)
        samples = await scraped_until(url, lambda s: sum(lag(s, **flow).values()) == 4)
        lags = lag(samples, **flow)
        assert sorted(lags.values()) == [0, 0, 4]  # the held partition only
        assert total(samples, "casehub_records_total", **flow, outcome="handled") == 5

        gated.release.set()
        samples = await scraped_until(
            url, lambda s: total(s, "casehub_records_total", **flow, outcome="handled") >= 9
        )
        samples = await scraped_until(url, lambda s: set(lag(s, **flow).values()) == {0})
        assert total(samples, "casehub_records_total", **flow, outcome="handled") == 9
        assert total(samples, "casehub_records_received_total", **flow) == 12
