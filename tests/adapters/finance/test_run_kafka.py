"""The month-end run and the year-end update on the real broker, each run twice.

The hub (finance component built from its settings) handles two decisions; the run command
then reads the component's changelog from Kafka, as an operator's shell would, and posts
January's payments to the stand-in; run twice, nothing is booked twice. The year-end update
publishes one RateUpdated per running measure, which the running hub applies; run again once
the changelog holds the applied year, it publishes nothing and nothing more is posted.
"""

import asyncio
import datetime as dt
import json
import uuid

import pytest

from adapters.finance import FinanceSettings, FinanceStandin, Rate
from adapters.finance.commands import _measures, _overview, _run, _year_end
from adapters.finance.model import Per
from adapters.finance.port import PostingKind
from adapters.finance.yearend import plan_year_end
from adapters.registry import COMPONENTS
from contracts.binding import from_kafka
from contracts.decision import MeasureKind
from contracts.finance import CommitmentCreated
from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.routes import default_routes
from routing.topics import topic
from tests.adapters.finance.events import decided, hub_environment, wrap
from tests.adapters.finance.test_e2e_kafka import send
from tests.kafka import wait_for_records

pytestmark = pytest.mark.kafka

RATE = Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")


async def test_the_month_run_and_the_year_end_update_each_act_once_across_two_runs(
    hub_settings, monkeypatch, capsys
):
    municipality = hub_settings.municipalities[0]
    standin = FinanceStandin(
        municipalities=frozenset({municipality}), accounts=frozenset({"5.28.21"})
    )
    async with serving(standin) as url:
        finance = FinanceSettings(
            rates={"placement_with_consent": RATE},
            system=EndpointSettings(base_url=url, timeout_s=2.0),
        )
        settings = hub_settings.model_copy(
            update={"routes": default_routes(COMPONENTS), "finance": finance}
        )
        events = [
            wrap(decided("m-1"), municipality=municipality, case_id=f"C-{uuid.uuid4().hex[:8]}"),
            wrap(
                decided("m-2", start="2027-01-01", end=None),  # open-ended: to 2028-12-31
                municipality=municipality,
                case_id=f"C-{uuid.uuid4().hex[:8]}",
            ),
        ]
        for name, value in hub_environment(settings, finance).items():
            monkeypatch.setenv(name, value)
        async with serving(create_app(settings)):
            for event in events:
                await send(settings, event)
            await wait_for_records(
                settings.kafka,
                topic("finance", municipality),
                lambda r: isinstance(from_kafka(r.headers, r.value).data, CommitmentCreated),
                count=2,
                within=60,
            )
            # The commitments are published before the measures are stored: the run reads
            # the store, so it waits until the changelog holds both (as a first run must).
            await _until(municipality, lambda plan: plan.measures == 2)
            assert await _run(municipality, dt.date(2027, 1, 1)) == 0
            assert await _run(municipality, dt.date(2027, 1, 1)) == 0  # again: nothing new
            paid = [p for p in standin.postings if p.kind is PostingKind.PAYMENT]
            # m-1: 17-31 January, 3,000,000 * 15/31 → 1,451,613 øre; m-2: all January
            assert sorted((p.reference, p.amount_ore) for p in paid) == [
                ("m-1", 1_451_613),
                ("m-2", 3_000_000),
            ]
            assert standin.duplicates == 2

            before = len(standin.postings)
            capsys.readouterr()
            assert await _year_end(municipality, 2028, RAISED) == 0
            first = json.loads(capsys.readouterr().out)
            assert (first["running"], first["published"]) == (1, 1)  # m-1 ended in 2027
            await _until(municipality, lambda plan: plan.already_updated == 1)
            assert await _year_end(municipality, 2028, RAISED) == 0
            again = json.loads(capsys.readouterr().out)
            assert (again["published"], again["already_updated"]) == (0, 1)
            await asyncio.sleep(1)  # nothing was published: nothing can arrive late

            # The case worker's overview, read from the changelog as the command reads it.
            assert await _overview(municipality, events[1].envelope.caseid, dt.date(2028, 2, 1),
                                   as_json=True) == 0  # fmt: skip
            seen = json.loads(capsys.readouterr().out)
            (measure,) = seen["measures"]
            assert (measure["measure_id"], measure["rate_ore"], measure["per"]) == (
                "m-2", 3_300_000, "month",
            )  # fmt: skip
            # 2027 at 3,000,000 a month, 2028 at 3,300,000; due by 1 February: 14 months
            assert seen["committed_ore"] == 12 * 3_000_000 + 12 * 3_300_000
            assert seen["due_to_date_ore"] == 12 * 3_000_000 + 2 * 3_300_000
    rerated = standin.postings[before:]
    # m-2 in 2028: 12 months at 3,300,000 instead of 3,000,000
    assert [(p.reference, p.kind, p.amount_ore) for p in rerated] == [
        ("m-2", PostingKind.COMMITMENT, 3_600_000)
    ]


RAISED = {MeasureKind.PLACEMENT_WITH_CONSENT: RATE.model_copy(update={"rate_ore": 3_300_000})}


async def _until(municipality, holds, within=30.0):
    """Wait until what the changelog holds (read as the commands read it) satisfies ``holds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        async with _measures(Settings(), municipality) as (table, tasks):
            if holds(plan_year_end(table, tasks, 2028, RAISED)):
                return
        assert loop.time() < deadline, "the changelog did not get there in time"
        await asyncio.sleep(0.5)
