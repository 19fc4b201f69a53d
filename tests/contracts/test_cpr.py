import datetime as dt
import pickle

import pytest
from hypothesis import given
from pydantic import BaseModel, ConfigDict, ValidationError

from contracts.cpr import Cpr
from tests.people import CHILD, cpr_for, synthetic_cprs


class Holder(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    cpr: Cpr


class TestFormat:
    def test_accepts_with_and_without_hyphen(self):
        assert Cpr(CHILD) == Cpr(CHILD[:6] + "-" + CHILD[6:])
        assert Cpr(CHILD).reveal() == CHILD

    @pytest.mark.parametrize(
        "text", ["", "123", "74031941234", "7403194x23", "740319 4123", "7403-194123"]
    )
    def test_rejects_wrong_shape(self, text):
        with pytest.raises(ValidationError, match="expected DDMMYY-SSSS"):
            Holder(cpr=text)

    @pytest.mark.parametrize(
        "text", ["3202904123", "9202904123", "0013904123", "0000004123", "6113904123"]
    )
    def test_rejects_dates_that_do_not_exist(self, text):
        with pytest.raises(ValidationError, match="no such birth date"):
            Holder(cpr=text)

    def test_rejects_non_strings(self):
        with pytest.raises(ValidationError, match="expected a string"):
            Holder.model_validate({"cpr": 7403194123})


class TestCentury:
    @pytest.mark.parametrize(
        ("digits", "year"),
        [
            ("7103360000", 1936),  # digit 7 = 0 → 1900s
            ("7103363000", 1936),  # digit 7 = 3
            ("7103364000", 2036),  # 4 with YY ≤ 36 → 2000s
            ("7103374000", 1937),  # 4 with YY ≥ 37 → 1900s
            ("7103369000", 2036),  # 9 as 4
            ("7103379000", 1937),
            ("7103575000", 2057),  # 5-8 with YY ≤ 57 → 2000s
            ("7103585000", 1858),  # 5-8 with YY ≥ 58 → 1800s
            ("7103998000", 1899),
        ],
    )
    def test_seventh_digit_and_year_give_the_century(self, digits, year):
        assert Cpr(digits).birth_date == dt.date(year, 3, 11)

    def test_leap_day_only_in_leap_years(self):
        assert Cpr("8902004000").birth_date == dt.date(2000, 2, 29)
        with pytest.raises(ValidationError):
            Holder(cpr="8902004000".replace("004", "014"))  # 2001 has no 29 February

    def test_day_plus_sixty_is_a_replacement_number(self):
        assert Cpr(CHILD).is_replacement
        assert Cpr(CHILD).birth_date == dt.date(2016, 3, 14)


class TestModulus11:
    def test_failed_check_is_a_flag_not_a_rejection(self):
        # Find serials on one date that pass and fail the check: both are accepted.
        numbers = [Cpr(cpr_for(dt.date(2010, 5, 5), serial)) for serial in range(30)]
        assert any(n.modulus11_ok for n in numbers)
        assert any(not n.modulus11_ok for n in numbers)


class TestNeverShown:
    @given(synthetic_cprs())
    def test_repr_str_format_and_errors_hide_the_number(self, text):
        cpr = Cpr(text)
        digits = cpr.reveal()
        for shown in (repr(cpr), str(cpr), f"{cpr}", f"{cpr!r}", repr(Holder(cpr=cpr))):
            assert digits not in shown
            assert digits[:6] not in shown

    def test_validation_error_never_quotes_the_input(self):
        bad = CHILD[:2] + "13" + CHILD[4:]  # month 13
        with pytest.raises(ValidationError) as caught:
            Holder(cpr=bad)
        assert bad not in str(caught.value)
        assert bad not in str(caught.value.errors(include_input=False))

    def test_json_carries_the_digits(self):
        assert Holder(cpr=CHILD).model_dump_json() == f'{{"cpr":"{CHILD}"}}'

    def test_pickles_to_an_equal_value(self):
        cpr = Cpr(CHILD)
        assert pickle.loads(pickle.dumps(cpr)) == cpr  # noqa: S301 - our own bytes
        assert hash(cpr) == hash(Cpr(CHILD))
