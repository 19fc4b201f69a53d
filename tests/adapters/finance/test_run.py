"""The month-end run over the component's stored measures: each payment posted once."""

import datetime as dt

import httpx

from adapters.finance import FinanceClient, FinanceStandin
from adapters.finance.port import PostingKind
from adapters.finance.run import due_in, run_month
from hub.runtime.state import Task
from tests.adapters.finance.events import decided, wrap
from tests.adapters.finance.test_wiring import Rig
from tests.state import all_tasks, owned_table

JANUARY = dt.date(2027, 1, 1)


async def test_a_month_run_pays_each_running_measure_once_even_when_run_twice():
    table = await owned_table()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    rig = Rig(table, standin)
    await rig.handle(wrap(decided("m-1")))  # 17 Jan-10 Mar: January 1,451,613 øre
    await rig.handle(wrap(decided("m-2", start="2027-01-01", end="2027-12-31")))  # 3,000,000
    await rig.handle(wrap(decided("m-3", start="2027-02-01", end="2027-02-28")))  # not January
    await rig.http.aclose()
    tasks = [t for t in all_tasks() if t.municipality == "101"]
    due = due_in(table, tasks, JANUARY)
    assert sorted(measure for _t, measure, _m, _a in due) == ["m-1", "m-2"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=standin), base_url="http://finance"
    ) as http:
        first = await run_month(FinanceClient(http), due, JANUARY, today=dt.date(2027, 1, 2))
        again = await run_month(FinanceClient(http), due, JANUARY, today=dt.date(2027, 1, 3))
    paid = [p for p in standin.postings if p.kind is PostingKind.PAYMENT]
    assert sorted((p.reference, p.amount_ore) for p in paid) == [
        ("m-1", 1_451_613),
        ("m-2", 3_000_000),
    ]
    assert (first.paid, first.duplicates, first.total_ore) == (2, 0, 4_451_613)
    assert (again.paid, again.duplicates, again.total_ore) == (0, 2, 0)


async def test_a_refused_payment_is_counted_and_the_run_goes_on():
    table = await owned_table()
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    rig = Rig(table, standin)
    await rig.handle(wrap(decided("m-1")))
    await rig.handle(wrap(decided("m-2", start="2027-01-01", end="2027-12-31")))
    await rig.http.aclose()
    standin.closed_periods.add("2027-01")
    due = due_in(table, [Task("101", p) for p in range(3)], JANUARY)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=standin), base_url="http://finance"
    ) as http:
        summary = await run_month(FinanceClient(http), due, JANUARY, today=dt.date(2027, 1, 2))
    assert summary.rejected == {"PERIODE_LUKKET": 2}
    assert summary.paid == 0
