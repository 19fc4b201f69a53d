"""A year of month-end runs for 1,000 measures on the real broker, one run killed with -9.

The measures are written to the finance component's changelog in Kafka (its stored form, as
the component writes it: the component's own handling is proved by the other tests), then
``casehub finance run`` runs as its own process for each month of 2027 against the stand-in.
In June the process is killed with SIGKILL once part of the month is posted, and the month is
run again. Every measure's payment for every month is booked exactly once.
"""

import asyncio
import datetime as dt
import os
import signal
import sys
from collections import Counter

import pytest

from adapters.finance import FinanceSettings, FinanceStandin, Rate
from adapters.finance.commands import changelog_of
from adapters.finance.model import Billing, Per, Price, Segment
from adapters.finance.port import PostingKind
from adapters.finance.wiring import MEASURES, MeasureMoney
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.provision import ensure_topics
from hub.runtime.serve import serving
from hub.runtime.state import StateTable, Store, Task
from routing.topics import topic
from tests.adapters.finance.events import hub_environment

pytestmark = pytest.mark.kafka

MEASURE_COUNT = 1_000
KILLED_MONTH = 6
RATE = Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")


async def test_a_year_of_runs_pays_each_month_once_across_a_kill_9(hub_settings):
    municipality = hub_settings.municipalities[0]
    await _store_measures(hub_settings, municipality)
    standin = FinanceStandin(
        municipalities=frozenset({municipality}), accounts=frozenset({"5.28.21"})
    )
    async with serving(standin) as url:
        finance = FinanceSettings(
            rates={"placement_with_consent": RATE},
            system=EndpointSettings(base_url=url, timeout_s=5.0),
        )
        env = {**os.environ, **hub_environment(hub_settings, finance)}
        killed_after = 0
        for month in range(1, 13):
            if month == KILLED_MONTH:
                killed_after = await _run_killed(env, municipality, month, standin)
            assert await _run(env, municipality, month) == 0, f"the run of month {month} failed"
    payments = Counter(
        (p.reference, p.period) for p in standin.postings if p.kind is PostingKind.PAYMENT
    )
    assert len(payments) == 12 * MEASURE_COUNT
    assert set(payments.values()) == {1}, "a payment was booked twice"
    # the killed run had booked part of June; its rerun recognised those as duplicates
    assert 0 < killed_after < MEASURE_COUNT
    assert standin.duplicates >= killed_after


async def _store_measures(settings, municipality):
    """1,000 running measures in the finance component's changelog, spread over partitions."""
    changelog = changelog_of(settings, municipality, client_id="test-finance-year")
    tasks = [Task(municipality, p) for p in range(settings.topic_partitions)]
    table = StateTable("test-finance-year", changelog)
    try:
        await changelog.start()  # creates the changelog topic, as the component's start does
        # and the finance topic the runs publish PaymentScheduled to, as the hub's start does
        await ensure_topics(
            settings.kafka,
            [topic("finance", municipality)],
            partitions=settings.topic_partitions,
            replication=settings.topic_replication,
        )
        await table.assign(tasks)
        store = Store(table, MEASURES)
        price = Price(RATE.rate_ore, RATE.per)
        for n in range(MEASURE_COUNT):
            money = MeasureMoney(
                f"C-{n}",
                (Segment(dt.date(2026, 12, 1), dt.date(2027, 12, 31), price),),
                Billing.ADVANCE,
                RATE.account,
                RATE.cost_centre,
                0,
            )
            store.put(f"m-{n}", money.dump(), task=tasks[n % len(tasks)])
        await table.flush()
    finally:
        await changelog.close()


def _run_args(municipality, month):
    return (
        sys.executable, "-m", "hub.cli.main", "finance", "run",
        "--municipality", municipality, "--month", f"2027-{month:02d}",
    )  # fmt: skip


async def _run(env, municipality, month):
    process = await asyncio.create_subprocess_exec(
        *_run_args(municipality, month),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), timeout=120)


async def _run_killed(env, municipality, month, standin):
    """Start the month's run and kill it with -9 once a tenth of its payments are booked."""
    period = f"2027-{month:02d}"

    def booked():
        return sum(1 for p in standin.postings if p.period == period)

    process = await asyncio.create_subprocess_exec(
        *_run_args(municipality, month),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while booked() < MEASURE_COUNT // 10:
        assert process.returncode is None, "the run ended before it could be killed"
        assert loop.time() < deadline, "the run booked nothing in time"
        await asyncio.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    return booked()
