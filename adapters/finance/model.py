"""The money model of a measure: its price, its commitment, its monthly payments, its cost by year.

Every amount is an ``int`` of øre (1 DKK = 100 øre); no float is ever used. The contracts carry
DKK as exact two-decimal strings (``contracts.money.Money``); ``dkk`` converts exactly.

A measure's money is a list of ``Segment``s: from a day, to a day, at one ``Price``. A new rate
splits the last segment; a measure's end cuts it short (or, for a measure that ran past its
estimated end, lengthens it). Everything else is computed from the segments, month by month:

=========  ==========================================================  ======================
period     a month's amount                                            rounding
=========  ==========================================================  ======================
day        rate * the measure's days in the month                      none (exact)
month      rate; a part month: rate * days / the month's days          half up, per month
hour       rate * hours a month; a part month pro rata, as ``month``   half up, per month
once       rate, in the month the measure starts (never again after    none (exact)
           a new rate: it is paid once)
=========  ==========================================================  ======================

"Per month" means once for the whole month: a month split by a new rate is summed exactly over
its segments (as a fraction of the month's days) and rounded once, so the payment is the same
however the month is divided.

A payment for a month is due on its 1st when paid in advance, on the 1st of the next month
when paid in arrears. An open-ended measure is estimated to the end of the year after its
start (``open_end``): the expected cost needs an end, and the year-end update re-estimates it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Final

__all__ = [
    "Billing",
    "CostByYear",
    "Payment",
    "Per",
    "Price",
    "Segment",
    "change_rate",
    "commitment",
    "cost_by_year",
    "dkk",
    "end_early",
    "end_on",
    "month_amount",
    "months",
    "open_end",
    "payments",
]

_ORE_PER_DKK: Final = 100


class Per(StrEnum):
    """What a rate is per."""

    DAY = "day"
    MONTH = "month"
    HOUR = "hour"
    ONCE = "once"


class Billing(StrEnum):
    """When a month is paid: on its first day, or after it."""

    ADVANCE = "advance"
    ARREARS = "arrears"


@dataclass(frozen=True, slots=True)
class Price:
    """A rate in øre per ``per``; ``hours_per_month`` for a rate per hour."""

    rate_ore: int
    per: Per
    unit: str = "measure"
    hours_per_month: int = 0

    def __post_init__(self) -> None:
        if self.rate_ore < 0:
            msg = "a rate is never negative"
            raise ValueError(msg)
        if self.per is Per.HOUR and self.hours_per_month <= 0:
            msg = "a rate per hour needs the hours a month"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Segment:
    """The measure at one price, from ``start`` to ``end`` (both days included)."""

    start: dt.date
    end: dt.date
    price: Price


@dataclass(frozen=True, slots=True)
class Payment:
    """One month's payment."""

    month: dt.date
    """The first day of the month paid for."""
    due_on: dt.date
    amount_ore: int


@dataclass(frozen=True, slots=True)
class CostByYear:
    """The expected cost from a day on: this year, the years after, and both together."""

    this_year: int
    next_years: int
    by_year: tuple[tuple[int, int], ...]

    @property
    def remaining(self) -> int:
        """Everything still to be paid."""
        return self.this_year + self.next_years


def dkk(ore: int) -> Decimal:
    """Øre as exact DKK with two decimals (the contracts' ``Money``)."""
    return Decimal(ore).scaleb(-2).quantize(Decimal("0.01"))


def open_end(start: dt.date) -> dt.date:
    """Where an open-ended measure is estimated to end: 31 December of the next year."""
    return dt.date(start.year + 1, 12, 31)


def months(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The first day of every month that ``start``..``end`` touches."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = _next_month(month)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _days_in(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, in integers (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def month_amount(segment: Segment, month: dt.date) -> int:
    """What ``segment`` alone costs in ``month`` (its first day), in øre; see the module's table."""
    return _half_up_fraction(_exact_amount(segment, month, segment.start))


def _exact_amount(segment: Segment, month: dt.date, measure_start: dt.date) -> Fraction:
    """The segment's exact share of ``month``: øre as a fraction of the month's days."""
    last = month.replace(day=_days_in(month))
    first_day, last_day = max(segment.start, month), min(segment.end, last)
    if last_day < first_day:
        return Fraction(0)
    days = (last_day - first_day).days + 1
    price = segment.price
    if price.per is Per.DAY:
        return Fraction(price.rate_ore * days)
    if price.per is Per.ONCE:
        # Paid on the measure's first day only: a segment that starts later (a new rate) is
        # the same measure, not a second one-off.
        starts_here = first_day == segment.start == measure_start
        return Fraction(price.rate_ore if starts_here else 0)
    per_month = price.rate_ore * (price.hours_per_month if price.per is Per.HOUR else 1)
    return Fraction(per_month * days, _days_in(month))


def _half_up_fraction(amount: Fraction) -> int:
    return _half_up(amount.numerator, amount.denominator)


def _monthly(segments: Sequence[Segment]) -> dict[dt.date, int]:
    if not segments:
        return {}
    measure_start = min(segment.start for segment in segments)
    exact: dict[dt.date, Fraction] = {}
    for segment in segments:
        for month in months(segment.start, segment.end):
            share = _exact_amount(segment, month, measure_start)
            exact[month] = exact.get(month, Fraction(0)) + share
    return {month: _half_up_fraction(amount) for month, amount in exact.items()}


def payments(segments: Sequence[Segment], billing: Billing) -> tuple[Payment, ...]:
    """One payment per month with an amount, due as ``billing`` says."""
    return tuple(
        Payment(month, month if billing is Billing.ADVANCE else _next_month(month), amount)
        for month, amount in sorted(_monthly(segments).items())
        if amount
    )


def commitment(segments: Sequence[Segment]) -> int:
    """The whole commitment in øre: the sum of every month (so it equals the payments)."""
    return sum(_monthly(segments).values())


def cost_by_year(segments: Sequence[Segment], today: dt.date) -> CostByYear:
    """The cost of the months from ``today``'s month on, by budget (calendar) year."""
    start = today.replace(day=1)
    years: dict[int, int] = {}
    for month, amount in _monthly(segments).items():
        if month >= start:
            years[month.year] = years.get(month.year, 0) + amount
    this_year = years.get(today.year, 0)
    later = sum(amount for year, amount in years.items() if year > today.year)
    return CostByYear(this_year, later, tuple(sorted(years.items())))


def change_rate(segments: Sequence[Segment], on: dt.date, price: Price) -> tuple[Segment, ...]:
    """The segments with ``price`` from ``on`` (a day within the measure) to its end."""
    kept: list[Segment] = []
    end = max(segment.end for segment in segments)
    for segment in segments:
        if segment.start >= on:
            continue
        kept.append(replace(segment, end=min(segment.end, on - dt.timedelta(days=1))))
    if on <= end:
        kept.append(Segment(on, end, price))
    return tuple(kept)


def end_early(segments: Sequence[Segment], last_day: dt.date) -> tuple[Segment, ...]:
    """The segments cut at ``last_day`` (the measure's last day); nothing after it."""
    return tuple(
        replace(segment, end=min(segment.end, last_day))
        for segment in segments
        if segment.start <= last_day
    )


def end_on(segments: Sequence[Segment], last_day: dt.date) -> tuple[Segment, ...]:
    """The segments ending on ``last_day``: cut short, or the last one lengthened to it.

    An open-ended measure is committed only to ``open_end``; when it actually ends later,
    the months after that estimate are part of its cost too, at the last segment's price.
    """
    end = max(segment.end for segment in segments)
    if last_day <= end:
        return end_early(segments, last_day)
    return tuple(
        replace(segment, end=last_day) if segment.end == end else segment for segment in segments
    )
