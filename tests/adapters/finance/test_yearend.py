"""The year-end price update: planned from the stored measures, applied by the component once."""

import json
from decimal import Decimal
from typing import cast

import pytest

from adapters.finance import FinanceStandin, Rate
from adapters.finance.model import Per
from adapters.finance.port import PostingKind
from adapters.finance.yearend import plan_year_end
from contracts.decision import MeasureKind
from contracts.finance import CostEstimateUpdatedV2, RateUpdated
from tests.adapters.finance.events import decided, of, wrap
from tests.adapters.finance.test_wiring import Rig
from tests.state import all_tasks, owned_table

RAISED = {
    MeasureKind("placement_with_consent"): Rate(
        rate_ore=3_300_000, per=Per.MONTH, account="5.28.21"
    )
}


class YearRig(Rig):
    def __init__(self, table, standin):
        super().__init__(table, standin)
        self.table = table
        self.decided_postings = 0


@pytest.fixture
async def rig():
    table = await owned_table()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    rig = YearRig(table, standin)
    await rig.handle(wrap(decided("m-1", start="2027-01-01", end=None)))  # to 2028-12-31
    await rig.handle(wrap(decided("m-2", start="2027-01-01", end="2027-06-30")))  # ended
    await rig.handle(wrap(decided("m-3", start="2028-03-01", end="2028-12-31"), case_id="C-2"))
    rig.published.clear()
    rig.decided_postings = len(standin.postings)
    yield rig
    await rig.http.aclose()


def plan(rig, rates=RAISED):
    return plan_year_end(
        rig.table, [t for t in all_tasks() if t.municipality == "101"], 2028, rates
    )


def rate_postings(rig):
    return rig.standin.postings[rig.decided_postings :]


async def test_every_running_measure_gets_one_update_from_the_year_or_its_start(rig):
    found = plan(rig)
    assert (found.measures, found.running, found.already_updated) == (3, 2, 0)
    updates = {e.data.measure_id: e.data for e in found.updates}
    assert sorted(updates) == ["m-1", "m-3"]  # m-2 ended in 2027
    assert str(updates["m-1"].effective_from) == "2028-01-01"
    assert str(updates["m-3"].effective_from) == "2028-03-01"  # starts later in the year
    assert {u.rate for u in updates.values()} == {Decimal("33000.00")}
    assert all(isinstance(e.data, RateUpdated) for e in found.updates)
    assert [e.envelope.caseid for e in found.updates if e.data.measure_id == "m-3"] == ["C-2"]


async def test_the_component_applies_each_update_once_and_posts_the_difference(rig):
    for event in plan(rig).updates:
        await rig.handle(event)
    # m-1: 12 months of 2028 at +300,000; m-3: March-December, 10 months at +300,000
    assert sorted((p.reference, p.kind, p.amount_ore) for p in rate_postings(rig)) == [
        ("m-1", PostingKind.COMMITMENT, 3_600_000),
        ("m-3", PostingKind.COMMITMENT, 3_000_000),
    ]
    measure = next(e for e in of(rig.published, CostEstimateUpdatedV2) if e.measure_id == "m-3")
    assert measure.previous_cost == Decimal("300000.00")
    assert measure.expected_cost == Decimal("330000.00")


async def test_run_twice_and_redelivered_it_changes_nothing_more(rig):
    updates = plan(rig).updates
    for event in updates:
        await rig.handle(event)
    first = [(e.envelope.id, e.data) for e in rig.published]
    rig.published.clear()
    again = plan(rig)
    assert (again.running, again.already_updated, again.updates) == (2, 2, [])
    for event in updates:  # the first run's records delivered again
        await rig.handle(event)
    assert len(rate_postings(rig)) == 2
    # a redelivery is a retry: the same estimates again, never new ones
    assert [(e.envelope.id, e.data) for e in rig.published] == first


async def test_a_kind_without_a_new_rate_is_counted_and_left_alone(rig):
    other = {MeasureKind.CONSULTANCY: RAISED[MeasureKind("placement_with_consent")]}
    found = plan(rig, other)
    assert found.updates == []
    assert found.no_new_rate == {"placement_with_consent": 2}


def test_an_hourly_rate_without_its_hours_is_refused_by_the_contract():
    fields = {
        "update_id": "year-end-2028",
        "measure_id": "m-1",
        "year": 2028,
        "effective_from": "2028-01-01",
        "rate": "450.00",
        "per": "hour",
    }
    with pytest.raises(ValueError, match="hours_per_month"):
        RateUpdated.model_validate_json(json.dumps(fields))
    hourly = RateUpdated.model_validate_json(json.dumps({**fields, "hours_per_month": 8}))
    assert hourly.hours_per_month == 8


async def test_a_measure_at_its_providers_own_rate_is_left_and_counted(rig):
    provider = {"provider_id": "tp-2", "name": "Another Institution"}
    await rig.handle(wrap(decided("m-4", start="2028-01-01", end="2028-12-31", provider=provider)))
    found = plan(rig)
    assert sorted(e.data.measure_id for e in found.updates) == ["m-1", "m-3"]
    assert found.provider_rate == 1


async def test_an_open_ended_measure_runs_on_into_each_new_year(rig):
    # m-1 is open-ended from 2027: estimated to 2028-12-31, so 2029 is not committed yet.
    found = plan_year_end(rig.table, [t for t in all_tasks() if t.municipality == "101"], 2029,
                          RAISED)  # fmt: skip
    assert [cast("RateUpdated", e.data).measure_id for e in found.updates] == ["m-1"]
    await rig.handle(found.updates[0])
    # lengthened to the end of 2029, which is committed at the new rate: 12 * 3,300,000
    (posting,) = rate_postings(rig)
    assert (posting.reference, posting.kind, posting.amount_ore) == (
        "m-1",
        PostingKind.COMMITMENT,
        12 * 3_300_000,
    )
