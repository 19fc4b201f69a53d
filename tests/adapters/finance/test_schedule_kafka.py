"""The scheduled month-end run and the postings back on the real broker, two hub instances.

Both instances run the finance component with its schedule in one consumer group; each owns
some of the municipality's partitions. Six measures run this month: each payment is posted
once (by the owner of its measure's partition; further sweeps post nothing again, and the
finance system is never sent a posting twice, which it would answer as a duplicate), the
finance system's bookings are read back and recorded in each measure's ledger, and the
reconciliation command, reading the changelog, finds committed, posted and paid equal.
"""

import asyncio
import contextlib
import datetime as dt
import json
import uuid

import pytest

from adapters.finance import NAME, FinanceSettings, FinanceStandin, Rate
from adapters.finance.commands import _measures, _reconcile
from adapters.finance.model import Per
from adapters.finance.port import PostingKind
from adapters.finance.reconcile import reconcile
from adapters.finance.settings import FinanceSchedule
from adapters.registry import COMPONENTS
from contracts.binding import from_kafka
from contracts.finance import PaymentScheduledV2, PostingBooked, ReconciliationReported
from hub.clock.localtime import local_date
from hub.compose.app import create_app, group_of
from hub.compose.settings import Settings
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from routing.routes import default_routes
from routing.topics import topic
from tests.adapters.finance.events import decided, hub_environment, wrap
from tests.adapters.finance.test_e2e_kafka import send
from tests.kafka import WITHIN_S, read_topic

pytestmark = pytest.mark.kafka

MEASURES = 6
RATE = Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")


async def test_two_instances_pay_each_measure_once_and_read_the_bookings_back(
    hub_settings, monkeypatch, capsys
):
    municipality = hub_settings.municipalities[0]
    # The schedule runs the month it is: the measures run all of it.
    month = local_date(dt.datetime.now(dt.UTC)).replace(day=1)
    end = (month + dt.timedelta(days=40)).isoformat()
    standin = FinanceStandin(
        municipalities=frozenset({municipality}), accounts=frozenset({"5.28.21"})
    )
    async with serving(standin) as url:
        finance = FinanceSettings(
            rates={"placement_with_consent": RATE},
            system=EndpointSettings(base_url=url, timeout_s=2.0),
            schedule=FinanceSchedule(run_day=1, tick_s=0.2, sweep_s=0.5),
        )
        settings = hub_settings.model_copy(
            update={"routes": default_routes(COMPONENTS), "finance": finance}
        )
        for name, value in hub_environment(settings, finance).items():
            monkeypatch.setenv(name, value)
        apps = [create_app(settings), create_app(settings)]
        async with contextlib.AsyncExitStack() as stack:
            for app in apps:
                await stack.enter_async_context(serving(app))
            # Each owns some of the finance group's partitions, none twice: no partition moves
            # from here on, so no posting has a reason to be sent twice.
            await _until(lambda: _shared_out(settings, apps))
            for n in range(MEASURES):
                event = wrap(
                    decided(f"m-{n}", start=month.isoformat(), end=end),
                    municipality=municipality,
                    case_id=f"C-{uuid.uuid4().hex[:8]}",
                )
                await send(settings, event)
            await _until(lambda: len(_paid(standin)) >= MEASURES)
            await _until(lambda: _all_paid_back(municipality, month), poll=True)
            await asyncio.sleep(1.5)  # three more sweeps on each instance: nothing new
            paid = _paid(standin)
            assert sorted(p.reference for p in paid) == [f"m-{n}" for n in range(MEASURES)]
            assert {p.amount_ore for p in paid} == {3_000_000}
            # The stand-in answers a key it has as a duplicate and books it once: a posting
            # sent twice (a sweep not seeing its ledger, two owners of one partition) would
            # leave the bookings right, and shows only here.
            assert standin.duplicates == 0
            assert len(standin.postings) == 2 * MEASURES  # each measure's commitment, payment

            capsys.readouterr()
            assert await _reconcile(municipality, month, as_json=True) == 0
            report = json.loads(capsys.readouterr().out)
    assert (report["measures"], report["differing"]) == (MEASURES, [])
    total = MEASURES * 3_000_000
    assert (report["committed_ore"], report["posted_ore"], report["paid_ore"]) == (total,) * 3
    events = [
        from_kafka(r.headers, r.value)
        for r in await read_topic(settings.kafka, topic("finance", municipality))
    ]
    scheduled = {e.envelope.id for e in events if isinstance(e.data, PaymentScheduledV2)}
    booked = [e.data for e in events if isinstance(e.data, PostingBooked)]
    assert len(scheduled) == MEASURES  # a rerun would publish the same ids, never others
    # The commitments and the payments, each booking one event id (read twice: the same)
    booked_ids = {e.envelope.id for e in events if isinstance(e.data, PostingBooked)}
    assert len(booked_ids) == 2 * MEASURES
    assert {b.posting_id for b in booked} == {b.posting_id for b in standin.booked}
    (reported,) = [e.data for e in events if isinstance(e.data, ReconciliationReported)]
    assert (reported.measures, reported.differing) == (MEASURES, ())


def _shared_out(settings, apps):
    group = group_of(settings, NAME)
    owned = [next(t for t in app.state.tables if t.group == group).tasks for app in apps]
    return all(owned) and not owned[0] & owned[1]


def _paid(standin):
    return [p for p in standin.postings if p.kind is PostingKind.PAYMENT]


async def _all_paid_back(municipality, month):
    async with _measures(Settings(), municipality) as (table, tasks):
        found = reconcile(table, tasks, month)
    return found.measures == MEASURES and found.paid_ore == MEASURES * 3_000_000


async def _until(holds, *, poll=False):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WITHIN_S
    while not (await holds() if poll else holds()):
        assert loop.time() < deadline, "not there in time"
        await asyncio.sleep(0.5)
