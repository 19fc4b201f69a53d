import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.clock.workdays import (
    DEFAULT_POLICY,
    CalendarPolicy,
    add_working_days,
    easter_sunday,
    holidays,
    is_working_day,
)

D = dt.date
ALL_OFF = CalendarPolicy(constitution_day_off=True, christmas_eve_off=True, new_years_eve_off=True)
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))
policies = st.builds(CalendarPolicy, st.booleans(), st.booleans(), st.booleans())


class TestEaster:
    @pytest.mark.parametrize(
        "easter",
        [
            D(1961, 4, 2),
            D(2000, 4, 23),
            D(2008, 3, 23),
            D(2011, 4, 24),
            D(2019, 4, 21),
            D(2023, 4, 9),
            D(2024, 3, 31),
            D(2025, 4, 20),
            D(2026, 4, 5),
            D(2027, 3, 28),
            D(2038, 4, 25),
            D(2285, 3, 22),
        ],
    )
    def test_matches_published_dates(self, easter):
        assert easter_sunday(easter.year) == easter

    @given(st.integers(min_value=1583, max_value=9999))
    def test_is_a_sunday_between_22_march_and_25_april(self, year):
        easter = easter_sunday(year)
        assert easter.weekday() == 6
        assert D(year, 3, 22) <= easter <= D(year, 4, 25)


class TestHolidays:
    def test_2026_in_full(self):
        assert dict(holidays(2026)) == {
            D(2026, 1, 1): "New Year's Day",
            D(2026, 4, 2): "Maundy Thursday",
            D(2026, 4, 3): "Good Friday",
            D(2026, 4, 5): "Easter Sunday",
            D(2026, 4, 6): "Easter Monday",
            D(2026, 5, 14): "Ascension Day",
            D(2026, 5, 24): "Whit Sunday",
            D(2026, 5, 25): "Whit Monday",
            D(2026, 12, 25): "Christmas Day",
            D(2026, 12, 26): "Boxing Day",
        }

    def test_store_bededag_is_a_holiday_in_2023(self):
        assert holidays(2023)[D(2023, 5, 5)] == "Store Bededag"
        assert not is_working_day(D(2023, 5, 5))

    def test_store_bededag_is_a_working_day_from_2024(self):
        store_bededag_2024 = easter_sunday(2024) + dt.timedelta(days=26)
        assert store_bededag_2024 == D(2024, 4, 26)
        assert "Store Bededag" not in holidays(2024).values()
        assert is_working_day(store_bededag_2024)

    @pytest.mark.parametrize(
        ("day", "flag"),
        [
            (D(2026, 6, 5), "constitution_day_off"),
            (D(2026, 12, 24), "christmas_eve_off"),
            (D(2026, 12, 31), "new_years_eve_off"),
        ],
    )
    def test_customary_days_off_follow_the_policy(self, day, flag):
        assert day.weekday() < 5
        assert is_working_day(day, DEFAULT_POLICY)
        assert not is_working_day(day, CalendarPolicy(**{flag: True}))
        assert is_working_day(day, ALL_OFF) is False

    def test_weekends_are_never_working_days(self):
        assert not is_working_day(D(2026, 11, 28))  # Saturday
        assert not is_working_day(D(2026, 11, 29))  # Sunday
        assert is_working_day(D(2026, 11, 30))  # Monday

    def test_holidays_are_listed_in_date_order(self):
        listed = list(holidays(2023, ALL_OFF))
        assert listed == sorted(listed)
        assert len(listed) == 14


class TestAddWorkingDays:
    def test_across_easter_2026(self):
        # Wednesday 1 April; Maundy Thursday, Good Friday and Easter Monday do not count.
        assert add_working_days(D(2026, 4, 1), 1) == D(2026, 4, 7)
        assert add_working_days(D(2026, 4, 1), 6) == D(2026, 4, 14)

    def test_across_christmas_and_new_year_by_default(self):
        # 24 Dec (1), 28 (2), 29 (3), 30 (4), 31 Dec (5), 4 Jan (6).
        assert add_working_days(D(2026, 12, 23), 6) == D(2027, 1, 4)

    @pytest.mark.parametrize(
        ("policy", "due"),
        [
            (CalendarPolicy(christmas_eve_off=True), D(2027, 1, 5)),
            (CalendarPolicy(new_years_eve_off=True), D(2027, 1, 5)),
            (ALL_OFF, D(2027, 1, 6)),
        ],
    )
    def test_across_christmas_with_days_off(self, policy, due):
        assert add_working_days(D(2026, 12, 23), 6, policy) == due

    def test_start_day_is_not_counted_even_on_a_weekend(self):
        assert add_working_days(D(2026, 11, 28), 1) == D(2026, 11, 30)  # Saturday → Monday
        assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Friday → Monday

    def test_zero_returns_the_start(self):
        assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 28)

    def test_negative_counts_back(self):
        assert add_working_days(D(2026, 4, 14), -2) == D(2026, 4, 10)
        assert add_working_days(D(2026, 4, 7), -1) == D(2026, 4, 1)

    @given(days, st.integers(min_value=1, max_value=60), policies)
    def test_always_lands_on_a_working_day(self, start, n, policy):
        assert is_working_day(add_working_days(start, n, policy), policy)
        assert is_working_day(add_working_days(start, -n, policy), policy)

    @given(days, st.integers(min_value=0, max_value=60), policies)
    def test_one_more_day_is_strictly_later(self, start, n, policy):
        assert add_working_days(start, n + 1, policy) > add_working_days(start, n, policy)

    @given(days, st.integers(min_value=1, max_value=60))
    def test_counts_exactly_n_working_days(self, start, n):
        end = add_working_days(start, n)
        between = (start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1))
        assert sum(is_working_day(day) for day in between) == n

    @given(days, st.integers(min_value=1, max_value=60))
    def test_back_and_forth_returns_to_a_working_start(self, start, n):
        start = add_working_days(start, 1)
        assert add_working_days(add_working_days(start, n), -n) == start
