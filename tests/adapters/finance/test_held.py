"""A change, an end or a rate update before its measure's decision: held, then handled after it."""

import pytest

from adapters.finance import FinanceStandin
from adapters.finance.port import PostingKind
from adapters.finance.wiring import UnknownMeasureError, build_finance
from contracts.finance import CostEstimateUpdatedV2
from hub.runtime.state import Store, Task, in_task
from tests.adapters.finance.events import changed, decided, ended, of, wrap
from tests.adapters.finance.test_wiring import SETTINGS, Rig
from tests.state import owned_table


@pytest.fixture
async def rig():
    table = await owned_table()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    rig = Rig(table, standin)
    yield rig
    await rig.http.aclose()


async def test_an_end_before_its_decision_is_held_and_posted_after_the_decision(rig):
    end = wrap(ended("2027-02-14"))
    await rig.handle(end)
    await rig.handle(end)  # a redelivery: held once
    assert rig.standin.postings == []
    assert rig.published == []
    await rig.handle(wrap(decided()))
    # The commitment first (17 Jan-10 Mar: 5,419,355 øre), then the end's reduction: from
    # 14 Feb, February 14/28 of 3,000,000 → 1,500,000 and no March: 5,419,355 - 2,951,613
    kinds = [(p.kind, p.amount_ore) for p in rig.standin.postings]
    assert kinds == [(PostingKind.COMMITMENT, 5_419_355), (PostingKind.REDUCTION, -2_467_742)]
    measure_estimates = [e for e in of(rig.published, CostEstimateUpdatedV2) if e.measure_id]
    assert [str(e.expected_cost) for e in measure_estimates] == ["54193.55", "29516.13"]
    assert list(Store(rig.table, "held").items(task=Task("101", 0))) == []


async def test_held_changes_are_handled_in_the_order_they_came(rig):
    await rig.handle(wrap(changed("tp-2", on="2027-02-01")))  # a day rate from 1 February
    await rig.handle(wrap(ended("2027-02-10")))
    await rig.handle(wrap(decided()))
    # Re-rated first (February and March at 1,000 DKK a day), then ended on 10 February:
    # the end's reduction is measured against the re-rated commitment, not the decided one.
    amounts = [p.amount_ore for p in rig.standin.postings]
    january = 1_451_613
    rerated = january + 28 * 100_000 + 10 * 100_000
    assert amounts == [5_419_355, rerated - 5_419_355, january + 10 * 100_000 - rerated]


async def test_a_later_decision_redelivered_releases_nothing_twice(rig):
    await rig.handle(wrap(ended("2027-02-14")))
    decision = wrap(decided())
    await rig.handle(decision)
    await rig.handle(decision)
    assert [p.kind for p in rig.standin.postings] == [PostingKind.COMMITMENT, PostingKind.REDUCTION]


async def test_without_the_held_store_an_end_before_its_decision_is_permanent(rig):
    handler = build_finance(
        SETTINGS,
        rig.publish,
        source="urn:casehub:finance",
        measures=Store(rig.table, "measures"),
        cases=Store(rig.table, "cases"),
    )
    with in_task(Task("101", 0)), pytest.raises(UnknownMeasureError):
        await handler(wrap(ended()))


async def test_a_held_end_refused_after_the_decision_stays_held_and_the_decision_stands(rig):
    await rig.handle(wrap(ended("2027-01-10")))  # before the measure's first day (17 Jan)
    await rig.handle(wrap(decided()))
    assert [p.kind for p in rig.standin.postings] == [PostingKind.COMMITMENT]
    assert len(list(Store(rig.table, "held").items(task=Task("101", 0)))) == 1
