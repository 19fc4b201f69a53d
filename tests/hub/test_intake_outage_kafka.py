"""The intake while its broker is away, on a real broker of its own that the test stops.

The intake answers 503 with ``Retry-After`` within its bound instead of holding the form
system's request; once the broker is back, the form system's retry is accepted and the
topic holds the notification exactly once.
"""

import asyncio

import httpx
import pytest

from adapters.eform import submission_event_id
from hub.compose.app import create_app
from hub.runtime.serve import serving
from routing.topics import topic
from tests.broker import start_local_broker, stop_local_broker
from tests.callers import signing
from tests.factories import submission
from tests.kafka import WITHIN_S, read_topic

pytestmark = pytest.mark.kafka

BOUND_S = 5.0  # the default


async def accepted(http, body):
    """Post until the intake accepts, waiting as its ``Retry-After`` says (a client's loop)."""
    async with asyncio.timeout(WITHIN_S):
        while (answer := await http.post("/notifications", json=body)).status_code != 202:
            assert answer.status_code == 503, answer.text
            await asyncio.sleep(float(answer.headers["retry-after"]))


async def test_broker_away_503_within_the_bound_then_the_retry_is_published_once(
    hub_settings, tmp_path
):
    data = tmp_path / "own-broker"
    bootstrap = (await asyncio.to_thread(start_local_broker, data)).hub
    settings = hub_settings.model_copy(
        update={
            "bootstrap_servers": bootstrap.bootstrap_servers,
            "kafka_security": bootstrap.security,
        }
    )
    assert settings.component("eform").publish_timeout_s == BOUND_S
    municipality = settings.municipalities[0]
    before, during = submission(municipality), submission(municipality)
    try:
        async with (
            serving(create_app(settings)) as url,
            # No answer within the bound (and a little for the request itself) fails here.
            httpx.AsyncClient(base_url=url, timeout=BOUND_S + 3.0, auth=signing()) as http,
        ):
            await accepted(http, before)  # the topic's metadata is known now
            await asyncio.to_thread(stop_local_broker, data)
            away = await http.post("/notifications", json=during)
            assert away.status_code == 503
            assert away.headers["retry-after"] == "5"
            await asyncio.to_thread(start_local_broker, data)
            await accepted(http, during)
            records = await read_topic(bootstrap, topic("intake", municipality))
    finally:
        await asyncio.to_thread(stop_local_broker, data)
    ids = [dict(r.headers)["ce_id"].decode() for r in records]
    assert sorted(ids) == sorted(
        submission_event_id(municipality, body["submission_id"]) for body in (before, during)
    )
