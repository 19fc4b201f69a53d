"""What the finance system has of each measure: the payments posted and the postings booked.

The ``ledger`` store of the finance component, keyed by measure id, in the measure's task
(a case's events share a partition). It is written from the component's own events on the
municipality's finance topic, so the command's run and the scheduled run are recorded
alike: ``PaymentScheduled`` (a payment the month-end run posted, by its month) and
``PostingBooked`` (the finance system's postings back, by their posting id, so reading one
back twice records it once). The reconciliation and the overview's "paid" read it. Ids and
amounts only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from contracts.finance import PaymentScheduledV2, PostingBooked, PostingBookedKind
from hub.runtime.state import Store, Task

__all__ = ["Ledger", "book", "ledger_of", "posted", "schedule"]


@dataclass(slots=True)
class Ledger:
    """One measure's payments posted (month → øre) and payments booked (posting id → month, øre)."""

    posted: dict[str, int] = field(default_factory=dict)
    paid: dict[str, tuple[str, int]] = field(default_factory=dict)

    def posted_in(self, month: str) -> int:
        """What the payment run posted for ``month`` (``YYYY-MM``)."""
        return self.posted.get(month, 0)

    def paid_in(self, month: str) -> int:
        """What the finance system booked as paid for ``month``."""
        return sum(amount for period, amount in self.paid.values() if period == month)

    @property
    def paid_ore(self) -> int:
        """Everything booked as paid."""
        return sum(amount for _period, amount in self.paid.values())

    def dump(self) -> bytes:
        """The stored form."""
        body = {"posted": self.posted, "paid": {k: list(v) for k, v in self.paid.items()}}
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def load(cls, raw: bytes | None) -> Ledger:
        """Read the stored form (nothing stored: an empty ledger)."""
        if raw is None:
            return cls()
        body: dict[str, Any] = json.loads(raw)
        return cls(dict(body["posted"]), {k: (v[0], v[1]) for k, v in body["paid"].items()})


def ledger_of(store: Store, measure_id: str, task: Task | None = None) -> Ledger:
    """The measure's ledger."""
    return Ledger.load(store.get(measure_id, task))


def posted(
    store: Store, measure_id: str, month: dt.date, amount_ore: int, task: Task | None = None
) -> None:
    """Record a measure's payment for ``month`` as posted."""
    ledger = ledger_of(store, measure_id, task)
    ledger.posted[f"{month:%Y-%m}"] = amount_ore
    store.put(measure_id, ledger.dump(), task)


def schedule(store: Store, data: PaymentScheduledV2) -> bool:
    """Record a posted payment; False when it names no measure or month (a version 1 record)."""
    if data.measure_id is None or data.month is None:
        return False
    posted(store, data.measure_id, data.month, int(data.amount.scaleb(2)))
    return True


def book(store: Store, data: PostingBooked) -> bool:
    """Record a booked payment once by its posting id; False for another kind or a repeat."""
    if data.kind is not PostingBookedKind.PAYMENT:
        return False
    ledger = ledger_of(store, data.measure_id)
    if data.posting_id in ledger.paid:
        return False
    ledger.paid[data.posting_id] = (f"{data.month:%Y-%m}", int(data.amount.scaleb(2)))
    store.put(data.measure_id, ledger.dump())
    return True
