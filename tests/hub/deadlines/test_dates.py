import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.clock.dates import add_months, age_on, birthday

D = dt.date


class TestAddMonths:
    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (D(2026, 10, 31), 4, D(2027, 2, 28)),  # into a common year's February
            (D(2027, 10, 31), 4, D(2028, 2, 29)),  # into a leap year's February
            (D(2026, 1, 31), 1, D(2026, 2, 28)),
            (D(2026, 3, 31), 1, D(2026, 4, 30)),
            (D(2026, 11, 30), 3, D(2027, 2, 28)),
            (D(2026, 12, 15), 3, D(2027, 3, 15)),  # across the year end
            (D(2026, 2, 28), 3, D(2026, 5, 28)),  # a month end is not moved to the month end
            (D(2028, 3, 31), -1, D(2028, 2, 29)),
            (D(2027, 1, 31), -2, D(2026, 11, 30)),
        ],
    )
    def test_clamps_to_the_end_of_a_shorter_month(self, start, months, expected):
        assert add_months(start, months) == expected

    @given(st.dates(max_value=D(9000, 1, 1)), st.integers(min_value=0, max_value=120))
    def test_lands_in_the_right_month_never_after_the_day(self, start, months):
        later = add_months(start, months)
        assert (later.year - start.year) * 12 + later.month - start.month == months
        assert later.day <= start.day


class TestBirthdays:
    def test_leapling_has_28_february_in_a_common_year(self):
        assert birthday(D(2008, 2, 29), 18) == D(2026, 2, 28)
        assert birthday(D(2008, 2, 29), 4) == D(2012, 2, 29)

    def test_age_changes_on_the_birthday(self):
        assert age_on(D(2010, 5, 15), D(2026, 5, 14)) == 15
        assert age_on(D(2010, 5, 15), D(2026, 5, 15)) == 16
        assert age_on(D(2008, 2, 29), D(2026, 2, 27)) == 17
        assert age_on(D(2008, 2, 29), D(2026, 2, 28)) == 18
