"""Finance: commitments and payments for measures in the municipality's finance system.

Amounts are ``Money``: exact DKK with two decimals, strings on the wire.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract
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
    "RatePer",
    "RateUpdated",
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
