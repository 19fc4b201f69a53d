"""The month-end run on the real broker: the hub learns the measures, the command pays them once.

The hub (finance component built from its settings) handles two decisions and stops; the run
command then reads the component's changelog from Kafka, as an operator's shell would, and
posts January's payments to the stand-in; run twice, nothing is booked twice.
"""

import datetime as dt
import uuid

import pytest

from adapters.finance import FinanceSettings, FinanceStandin, Rate
from adapters.finance.commands import _run
from adapters.finance.model import Per
from adapters.finance.port import PostingKind
from adapters.registry import COMPONENTS
from contracts.binding import from_kafka
from contracts.finance import CommitmentCreated
from hub.compose.app import create_app
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.routes import default_routes
from routing.topics import topic
from tests.adapters.finance.events import decided, wrap
from tests.adapters.finance.test_e2e_kafka import send
from tests.kafka import wait_for_records

pytestmark = pytest.mark.kafka

RATE = Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")


async def test_the_month_run_pays_each_measure_once_across_two_runs(hub_settings, monkeypatch):
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
                decided("m-2", start="2027-01-01", end="2027-12-31"),
                municipality=municipality,
                case_id=f"C-{uuid.uuid4().hex[:8]}",
            ),
        ]
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
        for name, value in {
            **settings.kafka.environment(),
            "CASEHUB_GROUP_PREFIX": settings.group_prefix,
            "CASEHUB_MUNICIPALITIES": f'["{municipality}"]',
            "CASEHUB_FINANCE": finance.model_dump_json(),
        }.items():
            monkeypatch.setenv(name, value)

        assert await _run(municipality, dt.date(2027, 1, 1)) == 0
        assert await _run(municipality, dt.date(2027, 1, 1)) == 0  # again: nothing new
    paid = [p for p in standin.postings if p.kind is PostingKind.PAYMENT]
    # m-1: 17-31 January, 3,000,000 * 15/31 → 1,451,613 øre; m-2: all January 3,000,000
    assert sorted((p.reference, p.amount_ore) for p in paid) == [
        ("m-1", 1_451_613),
        ("m-2", 3_000_000),
    ]
    assert standin.duplicates == 2
