"""The month-end run of a large municipality: ``python -m adapters.finance.benchmark``.

Builds that many running measures in the finance component's store (a memory changelog: the
read of the changelog from Kafka is measured by ``benchmarks.restore``), then times
``due_in`` (the month's payments) and ``run_month`` posting each one as SOAP to the finance
stand-in in process (``httpx.ASGITransport``: the XML is built, parsed, validated and
answered; no socket, so a real finance system's latency comes on top), each payment's
``PaymentScheduled`` built and kept (the broker's acknowledgement is not in the figure).
Prints the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
from collections.abc import Callable, Sequence

import httpx

from adapters.finance.client import FinanceClient
from adapters.finance.model import Billing, Per, Price, Segment
from adapters.finance.run import due_in, run_month
from adapters.finance.standin import FinanceStandin
from adapters.finance.wiring import MEASURES, MeasureMoney
from contracts.base import Contract
from contracts.envelope import Event
from hub.runtime.state import MemoryChangelog, StateTable, Store, Task

__all__ = ["main", "measure"]

_MONTH = dt.date(2027, 1, 1)
_PRICES = (
    Price(3_000_000, Per.MONTH),
    Price(250_050, Per.DAY),
    Price(45_000, Per.HOUR, hours_per_month=8),
)


async def measure(count: int, *, out: Callable[[str], None] = print) -> dict[str, float]:
    """Run the month for ``count`` measures; the figures (seconds, payments a second)."""
    tasks = [Task("101", p) for p in range(6)]
    table = StateTable("finance-bench", MemoryChangelog())
    await table.assign(tasks)
    store = Store(table, MEASURES)
    for n in range(count):
        money = MeasureMoney(
            f"C-{n}",
            (
                Segment(
                    dt.date(2026, 1 + n % 12, 1 + n % 28), dt.date(2027, 12, 31), _PRICES[n % 3]
                ),
            ),
            Billing.ADVANCE if n % 2 else Billing.ARREARS,
            "5.28.21",
            "1000",
            0,
        )
        store.put(f"m-{n}", money.dump(), task=tasks[n % len(tasks)])
    standin = FinanceStandin(municipalities=frozenset({"101"}), accounts=frozenset({"5.28.21"}))
    published = _Collected()
    started = time.perf_counter()
    due = due_in(table, tasks, _MONTH)
    selected = time.perf_counter()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=standin), base_url="http://finance"
    ) as http:
        summary = await run_month(
            FinanceClient(http), due, _MONTH, today=_MONTH, publish=published.publish
        )
    done = time.perf_counter()
    figures = {
        "measures": float(count),
        "payments": float(summary.paid),
        "select_s": selected - started,
        "post_s": done - selected,
        "total_s": done - started,
        "payments_per_s": summary.paid / (done - selected) if done > selected else 0.0,
    }
    out(
        f"finance month run: {count} measures, {summary.paid} payments posted, "
        f"{len(published.events)} PaymentScheduled built, "
        f"select {figures['select_s']:.2f} s, post {figures['post_s']:.2f} s, "
        f"total {figures['total_s']:.2f} s "
        f"({figures['payments_per_s']:.0f} payments/s; target < 60 s)"
    )
    return figures


class _Collected:
    """A publisher that keeps the events: the run's own cost, not the broker's."""

    def __init__(self) -> None:
        self.events: list[Event[Contract]] = []

    async def publish(self, event: Event[Contract]) -> str:
        self.events.append(event)
        return "finance"


def main(argv: Sequence[str] | None = None) -> int:
    """The shell entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--measures", type=int, default=50_000)
    args = parser.parse_args(argv)
    asyncio.run(measure(args.measures))
    return 0


if __name__ == "__main__":  # pragma: no cover - the shell entry point
    raise SystemExit(main())
