"""The month-end run over the component's stored measures: each payment posted once."""

import datetime as dt
from decimal import Decimal

import httpx

from adapters.finance import FinanceClient, FinanceStandin
from adapters.finance.port import PostingKind
from adapters.finance.run import due_in, payment_key, run_month
from contracts.base import Contract
from contracts.envelope import Event
from contracts.finance import PaymentScheduledV2
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
    assert sorted(d.measure_id for d in due) == ["m-1", "m-2"]
    published: list[Event[Contract]] = []

    async def publish(event):
        published.append(event)
        return "topic"

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=standin), base_url="http://finance"
    ) as http:
        client = FinanceClient(http)
        first = await run_month(client, due, JANUARY, today=dt.date(2027, 1, 2), publish=publish)
        once = len(published)
        again = await run_month(client, due, JANUARY, today=dt.date(2027, 1, 3), publish=publish)
    paid = [p for p in standin.postings if p.kind is PostingKind.PAYMENT]
    assert sorted((p.reference, p.amount_ore) for p in paid) == [
        ("m-1", 1_451_613),
        ("m-2", 3_000_000),
    ]
    assert (first.paid, first.duplicates, first.total_ore) == (2, 0, 4_451_613)
    assert (again.paid, again.duplicates, again.total_ore) == (0, 2, 0)
    # Each booked payment is published as PaymentScheduled; the rerun publishes the same ids
    # (its postings are duplicates, the same posting ids).
    assert once == 2
    first_ids = [e.envelope.id for e in published[:once]]
    assert [e.envelope.id for e in published[once:]] == first_ids
    scheduled = {
        e.data.measure_id: (e.envelope.caseid, e.data)
        for e in published[:once]
        if isinstance(e.data, PaymentScheduledV2)
    }
    case, m1 = scheduled["m-1"]
    assert case == "C-1"
    assert (m1.amount, m1.month, m1.due_on) == (Decimal("14516.13"), JANUARY, JANUARY)
    assert m1.payment_id == payment_key("101", "m-1", JANUARY)
    by_key = {p.key: p.posting_id for p in [*_booked(standin)]}
    assert m1.posting_id == by_key[m1.payment_id]
    assert [p.case_reference for p in paid] == ["C-1", "C-1"]


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


def _booked(standin):
    """(key, posting id) of what the stand-in booked, from its postings back."""
    return standin.booked
