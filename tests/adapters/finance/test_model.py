"""The money model in øre: every expected figure is worked out by hand in the test."""

import datetime as dt
from decimal import Decimal

import pytest

from adapters.finance.model import (
    Billing,
    Per,
    Price,
    Segment,
    change_rate,
    commitment,
    cost_by_year,
    dkk,
    end_early,
    end_on,
    month_amount,
    open_end,
    payments,
)

D = dt.date
FOSTER = Price(rate_ore=3_000_000, per=Per.MONTH, unit="placement")  # 30,000.00 DKK a month
INSTITUTION = Price(rate_ore=250_050, per=Per.DAY, unit="day")  # 2,500.50 DKK a day


class TestMonthAmount:
    def test_a_day_rate_is_exact_days_times_rate(self):
        # 10-31 January 2027 is 22 days; 22 * 250,050 = 5,501,100 øre
        segment = Segment(D(2027, 1, 10), D(2027, 3, 31), INSTITUTION)
        assert month_amount(segment, D(2027, 1, 1)) == 5_501_100
        # February 2027 has 28 days: 28 * 250,050 = 7,001,400
        assert month_amount(segment, D(2027, 2, 1)) == 7_001_400

    def test_a_part_month_at_a_month_rate_is_pro_rata_rounded_half_up(self):
        # 17-31 January: 15 of 31 days; 3,000,000 * 15 / 31 = 1,451,612.903... → 1,451,613
        segment = Segment(D(2027, 1, 17), D(2027, 6, 30), FOSTER)
        assert month_amount(segment, D(2027, 1, 1)) == 1_451_613
        assert month_amount(segment, D(2027, 2, 1)) == 3_000_000

    def test_half_an_ore_rounds_up(self):
        # 1 øre a month for 15 of 30 days: exactly 0.5 øre → 1 øre
        segment = Segment(D(2027, 4, 16), D(2027, 4, 30), Price(1, Per.MONTH))
        assert month_amount(segment, D(2027, 4, 1)) == 1

    def test_an_hour_rate_is_hours_a_month_pro_rata(self):
        # 45,000 øre * 8 h = 360,000 a full month; 1-14 June (14 of 30 days):
        # 360,000 * 14 / 30 = 168,000 exactly
        price = Price(45_000, Per.HOUR, unit="hour", hours_per_month=8)
        segment = Segment(D(2027, 5, 1), D(2027, 6, 14), price)
        assert month_amount(segment, D(2027, 5, 1)) == 360_000
        assert month_amount(segment, D(2027, 6, 1)) == 168_000

    def test_a_once_price_falls_in_the_first_month_only(self):
        segment = Segment(D(2027, 3, 5), D(2027, 5, 31), Price(1_234_567, Per.ONCE))
        assert month_amount(segment, D(2027, 3, 1)) == 1_234_567
        assert month_amount(segment, D(2027, 4, 1)) == 0

    def test_an_hour_rate_without_hours_is_refused(self):
        with pytest.raises(ValueError, match="hours"):
            Price(45_000, Per.HOUR)


class TestPayments:
    SEGMENTS = (Segment(D(2027, 1, 17), D(2027, 3, 10), FOSTER),)
    # January 1,451,613 (above); February full 3,000,000;
    # March 1-10: 3,000,000 * 10 / 31 = 967,741.93... → 967,742

    def test_in_advance_each_month_is_due_on_its_first_day(self):
        found = payments(self.SEGMENTS, Billing.ADVANCE)
        assert [(p.month, p.due_on, p.amount_ore) for p in found] == [
            (D(2027, 1, 1), D(2027, 1, 1), 1_451_613),
            (D(2027, 2, 1), D(2027, 2, 1), 3_000_000),
            (D(2027, 3, 1), D(2027, 3, 1), 967_742),
        ]

    def test_in_arrears_each_month_is_due_on_the_next_months_first_day(self):
        found = payments(self.SEGMENTS, Billing.ARREARS)
        assert [p.due_on for p in found] == [D(2027, 2, 1), D(2027, 3, 1), D(2027, 4, 1)]

    def test_the_commitment_is_the_sum_of_the_payments(self):
        assert commitment(self.SEGMENTS) == 1_451_613 + 3_000_000 + 967_742 == 5_419_355
        assert dkk(5_419_355) == Decimal("54193.55")

    def test_december_arrears_are_due_in_january(self):
        segment = (Segment(D(2027, 12, 1), D(2027, 12, 31), FOSTER),)
        (payment,) = payments(segment, Billing.ARREARS)
        assert payment.due_on == D(2028, 1, 1)


class TestChanges:
    def test_a_new_rate_applies_from_its_day(self):
        start = (Segment(D(2027, 1, 1), D(2027, 2, 28), FOSTER),)
        raised = Price(3_300_000, Per.MONTH)
        changed = change_rate(start, D(2027, 2, 15), raised)
        # January full 3,000,000; February 1-14 at 3,000,000 * 14/28 = 1,500,000;
        # 15-28 at 3,300,000 * 14/28 = 1,650,000
        assert commitment(changed) == 3_000_000 + 1_500_000 + 1_650_000

    def test_a_measure_ended_early_reduces_the_commitment(self):
        start = (Segment(D(2027, 1, 1), D(2027, 12, 31), FOSTER),)
        assert commitment(start) == 12 * 3_000_000
        ended = end_early(start, D(2027, 4, 10))
        # January-March 3 * 3,000,000; April 1-10: 3,000,000 * 10/30 = 1,000,000
        assert commitment(ended) == 10_000_000

    def test_ending_before_a_later_rate_drops_that_rate(self):
        start = change_rate(
            (Segment(D(2027, 1, 1), D(2027, 12, 31), INSTITUTION),),
            D(2027, 6, 1),
            Price(300_000, Per.DAY),
        )
        ended = end_early(start, D(2027, 1, 2))
        assert commitment(ended) == 2 * 250_050

    def test_a_month_split_by_a_new_rate_is_rounded_once(self):
        # March 2027 (31 days): 1-15 at 3,000,014 øre a month, 16-31 at 3,300,000.
        # Exactly (3,000,014 * 15 + 3,300,000 * 16) / 31 = 3,154,845.48... → 3,154,845;
        # rounding each part first would give 1,451,620 + 1,703,226 = 3,154,846.
        start = (Segment(D(2027, 3, 1), D(2027, 3, 31), Price(3_000_014, Per.MONTH)),)
        split = change_rate(start, D(2027, 3, 16), Price(3_300_000, Per.MONTH))
        assert commitment(split) == 3_154_845
        assert [p.amount_ore for p in payments(split, Billing.ADVANCE)] == [3_154_845]

    def test_a_one_off_price_is_paid_once_whatever_the_rates_after(self):
        once = (Segment(D(2027, 1, 10), D(2027, 6, 30), Price(500_000, Per.ONCE)),)
        rerated = change_rate(once, D(2027, 3, 1), Price(600_000, Per.ONCE))
        assert commitment(rerated) == 500_000
        assert [p.month for p in payments(rerated, Billing.ADVANCE)] == [D(2027, 1, 1)]

    def test_an_end_after_the_estimated_end_lengthens_the_measure(self):
        estimated = (Segment(D(2027, 1, 1), open_end(D(2027, 1, 1)), FOSTER),)  # to 2028-12-31
        ended = end_on(estimated, D(2029, 3, 31))
        assert commitment(ended) == (24 + 3) * 3_000_000
        assert end_on(estimated, D(2027, 4, 10)) == end_early(estimated, D(2027, 4, 10))

    def test_lengthening_keeps_the_last_rate(self):
        rerated = change_rate(
            (Segment(D(2027, 1, 1), D(2027, 12, 31), FOSTER),), D(2027, 7, 1), INSTITUTION
        )
        ended = end_on(rerated, D(2028, 1, 31))
        assert ended[0] == rerated[0]
        assert ended[1] == Segment(D(2027, 7, 1), D(2028, 1, 31), INSTITUTION)


class TestCostByYear:
    def test_this_year_the_next_years_and_the_remaining(self):
        segments = (Segment(D(2027, 11, 1), D(2029, 1, 31), FOSTER),)
        # from 15 December 2027: December 2027 is 1 month; 2028 is 12; 2029 is January
        found = cost_by_year(segments, today=D(2027, 12, 15))
        assert found.this_year == 3_000_000
        assert found.next_years == 13 * 3_000_000
        assert found.remaining == 42_000_000
        assert found.by_year == ((2027, 3_000_000), (2028, 36_000_000), (2029, 3_000_000))

    def test_an_open_ended_measure_is_estimated_to_the_end_of_the_next_year(self):
        assert open_end(D(2027, 3, 4)) == D(2028, 12, 31)
