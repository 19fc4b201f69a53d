"""The case worker's overview of a case's money, from the finance component's stores."""

import datetime as dt

import pytest

from adapters.finance import FinanceStandin
from adapters.finance.overview import case_overview
from tests.adapters.finance.events import changed, decided, wrap
from tests.adapters.finance.test_wiring import Rig
from tests.state import all_tasks, owned_table

TASKS = [t for t in all_tasks() if t.municipality == "101"]


@pytest.fixture
async def rig():
    table = await owned_table()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    rig = Rig(table, standin)
    yield rig
    await rig.http.aclose()


async def test_each_measure_with_its_rate_commitment_due_and_expected(rig):
    await rig.handle(wrap(decided("m-1", start="2027-01-01", end="2027-06-30")))
    await rig.handle(wrap(decided("m-2", start="2027-03-01", end="2027-03-31")))
    await rig.handle(wrap(decided("m-3", start="2027-01-01", end="2027-12-31"), case_id="C-2"))
    await rig.handle(wrap(changed("tp-2", on="2027-04-01")))  # m-1 at 100,000 a day from April
    found = case_overview(rig.table, TASKS, "C-1", dt.date(2027, 4, 15))
    assert found is not None
    one, two = found.measures
    # m-1: January-March at 3,000,000 a month, April-June 91 days at 100,000
    assert (one.measure_id, one.rate_ore, one.per) == ("m-1", 100_000, "day")
    assert one.committed_ore == 3 * 3_000_000 + 91 * 100_000
    # in advance: the months January-April are due by 15 April
    assert one.due_to_date_ore == 3 * 3_000_000 + 30 * 100_000
    assert one.expected_ore == 91 * 100_000  # April's month on
    assert (two.measure_id, two.committed_ore, two.due_to_date_ore, two.expected_ore) == (
        "m-2",
        3_000_000,
        3_000_000,
        0,
    )
    assert found.committed_ore == one.committed_ore + two.committed_ore
    assert [m.measure_id for m in found.measures] == ["m-1", "m-2"]  # not C-2's m-3


async def test_a_case_finance_has_not_seen_has_no_overview(rig):
    await rig.handle(wrap(decided("m-1")))
    assert case_overview(rig.table, TASKS, "C-unknown", dt.date(2027, 2, 1)) is None
