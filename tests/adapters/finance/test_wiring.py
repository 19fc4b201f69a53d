"""The finance handler with its stores in memory and the stand-in over real SOAP (ASGI)."""

from decimal import Decimal

import httpx
import pytest

from adapters.finance import FinanceClient, FinanceSettings, FinanceStandin, Rate, build_finance
from adapters.finance.model import Per
from adapters.finance.port import FinanceUnavailableError, PostingKind, PostingRejectedError
from adapters.finance.wiring import MissingRateError, OutsideMeasureError
from contracts.base import Contract
from contracts.envelope import Event
from contracts.finance import CommitmentCreated, CostEstimateUpdatedV2
from hub.runtime.state import Store, Task, in_task
from tests.adapters.finance.events import changed, decided, ended, of, wrap
from tests.state import owned_table

RATE = Rate(rate_ore=3_000_000, per=Per.MONTH, account="5.28.21")  # 30,000.00 DKK a month
SETTINGS = FinanceSettings(
    rates={"placement_with_consent": RATE},
    provider_rates={"tp-2": Rate(rate_ore=100_000, per=Per.DAY, account="5.28.21")},
)


class Rig:
    def __init__(self, table, standin, changelog=None):
        self.table = table
        self.changelog = changelog
        self.published: list[Event[Contract]] = []
        self.standin = standin
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=standin), base_url="http://finance"
        )

        async def publish(event):
            self.published.append(event)
            return "topic"

        self.publish = publish

        self.handler = build_finance(
            SETTINGS,
            publish,
            source="urn:casehub:finance",
            measures=Store(table, "measures"),
            cases=Store(table, "cases"),
            ledger=Store(table, "ledger"),
            held=Store(table, "held"),
            system=FinanceClient(self.http),
        )

    async def handle(self, event):
        with in_task(Task(event.envelope.municipality, 0)):
            await self.handler(event)


@pytest.fixture
async def rig():
    table = await owned_table()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    rig = Rig(table, standin)
    yield rig
    await rig.http.aclose()


async def test_a_decided_measure_is_committed_posted_and_estimated(rig):
    await rig.handle(wrap(decided()))
    # 17 Jan-10 Mar 2027 at 3,000,000 øre a month: January 15/31 → 1,451,613 (half up);
    # February 3,000,000; March 10/31 → 967,742; together 5,419,355 øre
    (created,) = of(rig.published, CommitmentCreated)
    assert created.amount == Decimal("54193.55")
    assert created.account == "5.28.21"
    (posting,) = rig.standin.postings
    assert (posting.kind, posting.amount_ore, posting.period) == (
        PostingKind.COMMITMENT,
        5_419_355,
        "2027-01",
    )
    measure, case = of(rig.published, CostEstimateUpdatedV2)
    assert (measure.measure_id, measure.expected_cost, measure.year) == (
        "m-1",
        Decimal("54193.55"),
        2027,
    )
    assert (case.measure_id, case.expected_cost, case.previous_cost) == (
        None,
        Decimal("54193.55"),
        None,
    )
    ids = [e.envelope.id for e in rig.published]
    assert len(set(ids)) == 3


async def test_a_redelivered_decision_posts_once_and_publishes_the_same_ids(rig):
    event = wrap(decided())
    await rig.handle(event)
    first = [e.envelope.id for e in rig.published]
    rig.published.clear()
    await rig.handle(event)
    assert [e.envelope.id for e in rig.published] == first
    assert len(rig.standin.postings) == 1
    assert rig.standin.duplicates == 1


async def test_an_early_end_posts_the_reduction_and_lowers_the_estimates(rig):
    await rig.handle(wrap(decided()))
    await rig.handle(wrap(decided("m-2", start="2027-02-01", end="2027-02-28")))
    rig.published.clear()
    await rig.handle(wrap(ended("2027-02-14")))
    # kept: January 1,451,613 + February 14/28 of 3,000,000 = 1,500,000 → 2,951,613;
    # the reduction is 2,951,613 - 5,419,355 = -2,467,742 øre
    reduction = rig.standin.postings[-1]
    assert (reduction.kind, reduction.amount_ore, reduction.period) == (
        PostingKind.REDUCTION,
        -2_467_742,
        "2027-02",
    )
    measure, case = of(rig.published, CostEstimateUpdatedV2)
    assert (measure.expected_cost, measure.previous_cost) == (
        Decimal("29516.13"),
        Decimal("54193.55"),
    )
    # the case: m-1 now 2,951,613 plus m-2's whole February 3,000,000
    assert (case.expected_cost, case.previous_cost) == (
        Decimal("59516.13"),
        Decimal("84193.55"),
    )


async def test_a_retry_after_a_lost_publish_publishes_the_same_estimates(rig):
    # The state is written before the estimates are published: a publish that fails once
    # must not make the retry see its own estimate as the previous one.
    await rig.handle(wrap(decided()))
    rig.published.clear()
    end = wrap(ended("2027-02-14"))
    await rig.handle(end)
    first = [(e.envelope.id, e.data) for e in rig.published]
    rig.published.clear()
    await rig.handle(end)
    assert [(e.envelope.id, e.data) for e in rig.published] == first
    measure, case = of(rig.published, CostEstimateUpdatedV2)
    assert measure.previous_cost == case.previous_cost == Decimal("54193.55")
    assert len([p for p in rig.standin.postings if p.kind is PostingKind.REDUCTION]) == 1


async def test_an_end_after_the_open_ended_estimate_posts_the_months_after_it(rig):
    await rig.handle(wrap(decided(start="2027-01-01", end=None)))  # estimated to 2028-12-31
    await rig.handle(wrap(ended("2029-02-28")))
    extra = rig.standin.postings[-1]
    assert (extra.kind, extra.amount_ore, extra.period) == (
        PostingKind.COMMITMENT,
        2 * 3_000_000,
        "2029-02",
    )


async def test_a_new_providers_rate_applies_from_the_change(rig):
    await rig.handle(wrap(decided()))
    await rig.handle(wrap(changed("tp-2", on="2027-02-15")))
    # before: 5,419,355. after: January 1,451,613 + February 1-14 at 14/28 = 1,500,000,
    # 15-28 at 100,000 a day = 1,400,000; March 1-10 = 1,000,000 → 5,351,613
    change = rig.standin.postings[-1]
    assert (change.kind, change.amount_ore) == (PostingKind.REDUCTION, 5_351_613 - 5_419_355)


async def test_a_change_without_a_new_rate_costs_nothing(rig):
    await rig.handle(wrap(decided()))
    rig.published.clear()
    await rig.handle(wrap(changed("tp-unknown")))
    assert rig.published == []
    assert len(rig.standin.postings) == 1


async def test_a_rejected_posting_raises_with_the_systems_code_and_reason(rig):
    rig.standin.closed_periods.add("2027-01")
    with pytest.raises(PostingRejectedError) as caught:
        await rig.handle(wrap(decided()))
    assert caught.value.code == "PERIODE_LUKKET"
    assert "PERIODE_LUKKET: period is closed" in str(caught.value)
    assert rig.published == []
    assert rig.standin.postings == []


async def test_a_kind_without_a_rate_is_permanent(rig):
    with pytest.raises(MissingRateError):
        await rig.handle(wrap(decided(kind="consultancy", provider=None)))


async def test_an_end_before_the_measures_first_day_is_permanent_and_posts_nothing(rig):
    await rig.handle(wrap(decided()))
    posted = len(rig.standin.postings)
    with pytest.raises(OutsideMeasureError):
        await rig.handle(wrap(ended("2027-01-10")))
    assert len(rig.standin.postings) == posted


async def test_a_new_instance_restores_what_the_first_learnt():
    from hub.runtime.state import MemoryChangelog

    changelog = MemoryChangelog()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    table = await owned_table(changelog=changelog)
    first = Rig(table, standin)
    await first.handle(wrap(decided()))
    await table.flush()  # what the hub does before it commits the record's offset
    await first.http.aclose()
    second = Rig(await owned_table(changelog=changelog), standin)
    await second.handle(wrap(ended("2027-02-14")))
    await second.http.aclose()
    assert standin.postings[-1].amount_ore == -2_467_742


async def test_a_lost_answer_is_transient_and_the_retry_is_a_duplicate(rig):
    rig.standin.lose_answers = 1
    event = wrap(decided())
    with pytest.raises(FinanceUnavailableError):
        await rig.handle(event)
    assert rig.published == []
    await rig.handle(event)
    assert len(rig.standin.postings) == 1
    assert rig.standin.duplicates == 1
    assert len(of(rig.published, CommitmentCreated)) == 1


async def test_the_estimate_splits_this_year_from_the_next_years(rig):
    # 1 Nov 2027 - 31 Jan 2029 at 3,000,000 øre a month, estimated on 5 January 2027:
    # 2027 has November and December (6,000,000), 2028 twelve months and 2029 January
    # (39,000,000 together); the case has only this measure
    await rig.handle(wrap(decided(start="2027-11-01", end="2029-01-31")))
    measure, case = of(rig.published, CostEstimateUpdatedV2)
    for estimate in (measure, case):
        assert (estimate.this_year, estimate.next_years, estimate.remaining) == (
            Decimal("60000.00"),
            Decimal("390000.00"),
            Decimal("450000.00"),
        )
        assert estimate.expected_cost == Decimal("450000.00")
