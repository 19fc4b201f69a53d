"""Finance: commitments and payments for measures in the municipality's finance system.

Amounts are ``Money``: exact DKK with two decimals, strings on the wire.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.decision import Period
from contracts.guards import Timestamp
from contracts.money import Money
from contracts.types import RecordId

__all__ = [
    "CommitmentCreated",
    "CostEstimateUpdated",
    "CostEstimateUpdatedV2",
    "Payee",
    "PaymentScheduled",
    "PaymentScheduledV2",
    "PostingBooked",
    "PostingBookedKind",
    "RatePer",
    "RateUpdated",
    "ReconciledCase",
    "ReconciliationReported",
]


class CommitmentCreated(Contract):
    """A budget commitment (disponering) has been made for a decided measure."""

    event_type: ClassVar[str] = "dk.casehub.finance.commitment-created"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "finance"

    commitment_id: RecordId = classified("The commitment's id.", C.INTERNAL)
    measure_id: RecordId = classified("The measure it pays for.", C.INTERNAL)
    account: str = classified(
        "The account in the municipal chart of accounts.",
        C.INTERNAL,
        pattern=r"^[0-9][0-9.\-]{0,31}$",
    )
    amount: Money = classified("The committed amount in DKK.", C.INTERNAL)
    period: Period = classified("The period it covers.", C.INTERNAL)


class Payee(StrEnum):
    """Who is paid."""

    PROVIDER = "provider"
    FOSTER_FAMILY = "foster_family"
    FAMILY = "family"  # e.g. support paid to the parents


class PaymentScheduled(Contract):
    """A payment for a measure has been scheduled in the finance system."""

    event_type: ClassVar[str] = "dk.casehub.finance.payment-scheduled"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "finance"

    payment_id: RecordId = classified("The payment's id.", C.INTERNAL)
    commitment_id: RecordId = classified("The commitment it draws on.", C.INTERNAL)
    payee: Payee = classified("Who is paid.", C.PERSONAL)
    payee_reference: RecordId = classified(
        "The payee's id in the finance system (never a CPR number).", C.PERSONAL
    )
    amount: Money = classified("The amount in DKK.", C.INTERNAL)
    due_on: dt.date = classified("When it is paid.", C.INTERNAL)


class PaymentScheduledV2(Contract):
    """A measure's payment for a month has been posted to the finance system.

    Version 2 names the measure, the month paid for and the finance system's posting id, and
    makes the payee optional: the case system's measure events name no payee (the finance
    system knows whom a measure's account pays). Every version 1 record is a valid version 2
    record. ``payment_id`` is the month-end run's posting key, so a rerun publishes the same.
    """

    event_type: ClassVar[str] = "dk.casehub.finance.payment-scheduled"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "finance"

    payment_id: RecordId = classified("The payment's id (its posting key).", C.INTERNAL)
    commitment_id: RecordId = classified("The commitment it draws on.", C.INTERNAL)
    payee: Payee | None = classified("Who is paid, when known.", C.PERSONAL, default=None)
    payee_reference: RecordId | None = classified(
        "The payee's id in the finance system (never a CPR number).", C.PERSONAL, default=None
    )
    amount: Money = classified("The amount in DKK.", C.INTERNAL)
    due_on: dt.date = classified("When it is paid.", C.INTERNAL)
    measure_id: RecordId | None = classified("The measure it pays for.", C.INTERNAL, default=None)
    month: dt.date | None = classified(
        "The first day of the month it pays for.", C.INTERNAL, default=None
    )
    posting_id: RecordId | None = classified(
        "The finance system's id of the posting.", C.INTERNAL, default=None
    )


class PostingBookedKind(StrEnum):
    """What a booked posting was."""

    COMMITMENT = "commitment"
    REDUCTION = "reduction"
    PAYMENT = "payment"


class PostingBooked(Contract):
    """The finance system has booked a posting: its postings back to the case system.

    Its id derives from the finance system's posting id, so reading the same posting back
    twice publishes the same event. A booked payment is what the case has been paid.
    """

    event_type: ClassVar[str] = "dk.casehub.finance.posting-booked"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "finance"

    posting_id: RecordId = classified("The finance system's id of the posting.", C.INTERNAL)
    posting_key: RecordId = classified("The key the hub posted it with.", C.INTERNAL)
    measure_id: RecordId = classified("The measure it is for.", C.INTERNAL)
    kind: PostingBookedKind = classified("What it booked.", C.INTERNAL)
    account: str = classified(
        "The account it was booked on.", C.INTERNAL, pattern=r"^[0-9][0-9.\-]{0,31}$"
    )
    month: dt.date = classified("The first day of its accounting period.", C.INTERNAL)
    amount: Money = classified("The amount booked in DKK (a reduction negative).", C.INTERNAL)
    booked_on: dt.date = classified("The day the finance system booked it.", C.INTERNAL)


class ReconciledCase(Record):
    """One case's month: committed (due), posted and paid, in DKK."""

    case_id: RecordId = classified("The case.", C.INTERNAL)
    committed: Money = classified("What its measures' commitments make due.", C.INTERNAL)
    posted: Money = classified("What the payment run posted.", C.INTERNAL)
    paid: Money = classified("What the finance system booked as paid.", C.INTERNAL)


class ReconciliationReported(Contract):
    """A municipality's month reconciled: committed vs posted vs paid, in total and per case.

    ``cases`` holds the cases whose three amounts differ (all of them are in the totals), so
    the record stays small for a large municipality. Ids and amounts only.
    """

    event_type: ClassVar[str] = "dk.casehub.finance.reconciliation-reported"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "finance"

    month: dt.date = classified("The first day of the month reconciled.", C.INTERNAL)
    reported_at: Timestamp = classified("When it was reconciled.", C.INTERNAL)
    measures: int = classified("The measures with a payment due in the month.", C.INTERNAL, ge=0)
    cases: int = classified("The cases of those measures.", C.INTERNAL, ge=0)
    committed: Money = classified("What the commitments make due in the month.", C.INTERNAL)
    posted: Money = classified("What was posted as payments for the month.", C.INTERNAL)
    paid: Money = classified("What the finance system booked as paid.", C.INTERNAL)
    differing: tuple[ReconciledCase, ...] = classified(
        "The cases whose committed, posted and paid differ (at most 1,000).",
        C.INTERNAL,
        default=(),
        max_length=1000,
    )


class CostEstimateUpdated(Contract):
    """The expected total cost of a case's measures has changed."""

    event_type: ClassVar[str] = "dk.casehub.finance.cost-estimate-updated"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "finance"

    estimated_at: Timestamp = classified("When it was estimated.", C.INTERNAL)
    measure_id: RecordId | None = classified(
        "The measure, or absent for the whole case.", C.INTERNAL, default=None
    )
    expected_cost: Money = classified("The expected cost in DKK.", C.INTERNAL)
    previous_cost: Money | None = classified(
        "The previous estimate in DKK.", C.INTERNAL, default=None
    )
    year: int = classified("The budget year.", C.INTERNAL, ge=2000, le=2100)


class CostEstimateUpdatedV2(Contract):
    """The expected cost of a case's measures has changed: this year, the next, the remaining.

    Version 2 adds the split by year (all in DKK, from the estimate's day on); the fields are
    optional, so every version 1 record is a valid version 2 record.
    """

    event_type: ClassVar[str] = "dk.casehub.finance.cost-estimate-updated"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "finance"

    estimated_at: Timestamp = classified("When it was estimated.", C.INTERNAL)
    measure_id: RecordId | None = classified(
        "The measure, or absent for the whole case.", C.INTERNAL, default=None
    )
    expected_cost: Money = classified("The expected cost in DKK.", C.INTERNAL)
    previous_cost: Money | None = classified(
        "The previous estimate in DKK.", C.INTERNAL, default=None
    )
    year: int = classified("The budget year.", C.INTERNAL, ge=2000, le=2100)
    this_year: Money | None = classified(
        "The cost still to come in the budget year, in DKK.", C.INTERNAL, default=None
    )
    next_years: Money | None = classified(
        "The cost in the years after it, in DKK.", C.INTERNAL, default=None
    )
    remaining: Money | None = classified(
        "Everything still to come (this year and the next), in DKK.", C.INTERNAL, default=None
    )


class RatePer(StrEnum):
    """What a rate is per."""

    DAY = "day"
    MONTH = "month"
    HOUR = "hour"
    ONCE = "once"


class RateUpdated(Contract):
    """A running measure's rate changes from a day: one measure's part of a price update.

    The year-end price update (``casehub finance year-end``) publishes one per approved and
    running measure; its id derives from the municipality, the measure and the year, so the
    update is applied once however often it is run.
    """

    event_type: ClassVar[str] = "dk.casehub.finance.rate-updated"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "finance"

    update_id: RecordId = classified("The price update it belongs to.", C.INTERNAL)
    measure_id: RecordId = classified("The measure whose rate changes.", C.INTERNAL)
    year: int = classified("The budget year of the new rate.", C.INTERNAL, ge=2000, le=2100)
    effective_from: dt.date = classified("The first day at the new rate.", C.INTERNAL)
    rate: Money = classified("The new rate in DKK.", C.INTERNAL)
    per: RatePer = classified("What the rate is per.", C.INTERNAL)
    hours_per_month: int = classified(
        "Hours a month, for a rate per hour.", C.INTERNAL, default=0, ge=0, le=744
    )

    @model_validator(mode="after")
    def _hours_for_an_hourly_rate(self) -> Self:
        if self.per is RatePer.HOUR and self.hours_per_month == 0:
            msg = "a rate per hour needs hours_per_month"
            raise ValueError(msg)
        return self
