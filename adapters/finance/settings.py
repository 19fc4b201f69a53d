"""Settings of the finance component: the rate table, the accounts, and the finance system.

The measure events carry no rate (``MeasureDecided`` has only an optional expected total), so
the rate comes from here: one ``Rate`` per measure kind, and optionally one per provider,
which wins over the kind's (an institution's own daily rate). A ``MeasureChanged`` naming a
provider with its own rate changes the rate from the change's day.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from adapters.finance.model import Billing, Per, Price
from contracts.decision import MeasureKind
from hub.runtime.endpoint import EndpointSettings

__all__ = ["FinanceSchedule", "FinanceSettings", "Rate"]


class Rate(BaseModel):
    """A price and how it is paid and booked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rate_ore: int = Field(ge=0, description="The rate in øre (1 DKK = 100 øre).")
    per: Per = Field(description="What the rate is per: day, month, hour or once.")
    unit: str = Field(default="measure", min_length=1, max_length=40)
    hours_per_month: int = Field(default=0, ge=0, description="For a rate per hour.")
    billing: Billing = Field(default=Billing.ADVANCE, description="Paid in advance or arrears.")
    account: str = Field(
        pattern=r"^[0-9][0-9.\-]{0,31}$", description="The account (kontoplan), e.g. 5.28.21."
    )
    cost_centre: str = Field(
        default="1000", pattern=r"^[0-9A-Za-z\-]{1,20}$", description="The cost centre."
    )

    def price(self) -> Price:
        """The model's price."""
        return Price(self.rate_ore, self.per, self.unit, self.hours_per_month)


class FinanceSchedule(BaseModel):
    """The month-end run inside the hub, and how often the finance system is read back."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_day: int = Field(
        ge=1, le=28, description="From this day of a month on, the month's payments are run."
    )
    tick_s: float = Field(
        default=60.0, gt=0, le=86_400, description="Seconds between the schedule's rounds."
    )
    sweep_s: float = Field(
        default=3600.0,
        gt=0,
        le=31 * 86_400,
        description="Seconds before a month is swept again for payments not posted yet.",
    )


class FinanceSettings(BaseModel):
    """The finance component's settings (``CASEHUB_FINANCE`` as JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rates: dict[MeasureKind, Rate] = Field(description="The rate of each measure kind.")
    provider_rates: dict[str, Rate] = Field(
        default_factory=dict, description="A provider's own rate, by provider id."
    )
    system: EndpointSettings | None = Field(
        default=None,
        description="The finance system's FK-ØKO posting endpoint; absent: nothing is posted.",
    )
    schedule: FinanceSchedule | None = Field(
        default=None,
        description="The scheduled month-end run and postings back (with a system); absent: "
        "neither runs in the hub (the command still does).",
    )
