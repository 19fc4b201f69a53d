"""The finance component end to end: real broker, the hub, the finance stand-in over SOAP.

MeasureDecided records are produced onto their domain topic; the hub builds the finance
component from its settings (its stores in the group's changelog), which posts to the
stand-in on loopback and publishes on the finance topic.
"""

import uuid
from decimal import Decimal

import pytest

from adapters.finance import FinanceSettings, FinanceStandin, Rate
from adapters.finance.model import Per
from adapters.registry import COMPONENTS
from contracts.binding import from_kafka, to_kafka
from contracts.finance import CommitmentCreated, CostEstimateUpdatedV2
from hub.compose.app import create_app, group_of
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.routes import default_routes
from routing.topics import quarantine_topic, topic, topic_for
from tests.adapters.finance.events import decided, wrap
from tests.kafka import produce, wait_for_records, wait_until_consumed

pytestmark = pytest.mark.kafka

RATE = Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")


async def send(settings, event):
    record = to_kafka(event)
    await produce(
        settings.kafka,
        topic_for(event),
        record.value,
        key=record.key,
        headers=record.headers,
    )


def caused_by(cause, contract):
    def match(record):
        event = from_kafka(record.headers, record.value)
        return isinstance(event.data, contract) and event.envelope.causationid == cause

    return match


async def test_posted_once_across_a_lost_answer_and_a_redelivery_a_rejection_quarantined(
    hub_settings,
):
    municipality = hub_settings.municipalities[0]
    standin = FinanceStandin(
        municipalities=frozenset({municipality}),
        accounts=frozenset({"5.28.21"}),
        closed_periods=frozenset({"2026-12"}),
    )
    standin.lose_answers = 1  # booked, but the hub never hears so: it must try again
    async with serving(standin) as url:
        finance = FinanceSettings(
            rates={"placement_with_consent": RATE},
            system=EndpointSettings(base_url=url, timeout_s=2.0),
        )
        settings = hub_settings.model_copy(
            update={"routes": default_routes(COMPONENTS), "finance": finance}
        )
        good = wrap(decided(), municipality=municipality, case_id=f"C-{uuid.uuid4().hex[:8]}")
        bad = wrap(
            decided("m-2", start="2026-12-01", end="2027-01-31"),
            municipality=municipality,
            case_id=f"C-{uuid.uuid4().hex[:8]}",
        )
        async with serving(create_app(settings)):
            await send(settings, good)
            await send(settings, good)  # the producer redelivers it
            await send(settings, bad)
            finance_topic = topic("finance", municipality)
            (created,) = await wait_for_records(
                settings.kafka,
                finance_topic,
                caused_by(good.envelope.id, CommitmentCreated),
                within=60,
            )
            estimates = await wait_for_records(
                settings.kafka,
                finance_topic,
                caused_by(good.envelope.id, CostEstimateUpdatedV2),
                count=2,
                within=60,
            )
            (quarantined,) = await wait_for_records(
                settings.kafka,
                quarantine_topic(topic_for(bad)),
                lambda r: dict(r.headers).get("quarantine_group", b"").endswith(b"finance"),
                within=60,
            )
            await wait_until_consumed(
                settings.kafka,
                group_of(settings, "finance"),
                [topic_for(good)],
                within=60,
            )
    # 17 Jan-10 Mar 2027 at 30,000.00 DKK a month: 14,516.13 + 30,000.00 + 9,677.42
    commitment = from_kafka(created.headers, created.value).data
    assert isinstance(commitment, CommitmentCreated)
    assert commitment.amount == Decimal("54193.55")
    assert len(estimates) >= 2
    assert [p.reference for p in standin.postings] == ["m-1"]  # booked once
    assert standin.duplicates >= 1  # the retry after the lost answer was recognised
    assert standin.rejections == [(standin.rejections[0][0], "PERIODE_LUKKET")]
    reason = dict(quarantined.headers)["quarantine_reason"].decode()
    assert "PERIODE_LUKKET" in reason
    assert "period is closed" in reason
    assert quarantined.value == to_kafka(bad).value  # the original bytes
