import json
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts.ics import IcsDimension, IcsSide, IcsTriangle
from contracts.kle import Kle
from contracts.legal import LegalBasis
from contracts.money import Money

money = TypeAdapter(Money)
kle = TypeAdapter(Kle)


class TestMoney:
    def test_json_is_a_string_with_two_decimals(self):
        assert money.dump_json(Decimal("3.1")) == b'"3.10"'
        assert money.validate_json('"1234.50"') == Decimal("1234.50")

    def test_round_trip_is_exact(self):
        value = money.validate_json('"0.10"')
        assert money.validate_json(money.dump_json(value)) == value

    @pytest.mark.parametrize("raw", ["12.5", "1e3", "12.505", "", "NaN", "1,50"])
    def test_rejects_other_text(self, raw):
        with pytest.raises(ValidationError, match="two decimals"):
            money.validate_json(json.dumps(raw))

    @pytest.mark.parametrize("raw", ["12.5", "12", "true"])
    def test_rejects_json_numbers(self, raw):
        with pytest.raises(ValidationError, match="never a number"):
            money.validate_json(raw)

    def test_rejects_a_decimal_with_more_precision(self):
        with pytest.raises(ValidationError, match="at most two decimals"):
            money.validate_python(Decimal("1.005"))
        with pytest.raises(ValidationError):
            money.validate_python(Decimal("NaN"))


class TestKle:
    @pytest.mark.parametrize("raw", ["27.24.00", "27.24.03G01"])
    def test_accepts_number_and_facet(self, raw):
        assert kle.validate_python(raw) == raw

    @pytest.mark.parametrize("raw", ["27.24", "27.24.0", "27-24-00", "27.24.00 G01", "27.24.00g1"])
    def test_rejects_other_shapes(self, raw):
        with pytest.raises(ValidationError):
            kle.validate_python(raw)


class TestLegalBasis:
    @pytest.mark.parametrize(
        ("raw", "text"),
        [
            ({"law": "BL", "paragraph": "32", "stk": 1, "nr": 3}, "BL §32 stk. 1 nr. 3"),
            ({"law": "SEL", "paragraph": "155 b"}, "SEL §155 b"),
            ({"law": "BL", "paragraph": "20", "stk": 3}, "BL §20 stk. 3"),
        ],
    )
    def test_renders_as_case_workers_write_it(self, raw, text):
        assert str(LegalBasis.model_validate_json(json.dumps(raw))) == text

    def test_nr_needs_a_stk(self):
        with pytest.raises(ValidationError, match=r"nr\. is only given within a stk\."):
            LegalBasis.model_validate_json('{"law": "BL", "paragraph": "32", "nr": 3}')

    @pytest.mark.parametrize("law", ["SL", "bl", ""])
    def test_only_two_laws(self, law):
        with pytest.raises(ValidationError):
            LegalBasis.model_validate_json(json.dumps({"law": law, "paragraph": "32"}))


class TestIcs:
    def test_ten_dimensions_on_three_sides(self):
        sides = [d.side for d in IcsDimension]
        assert len(sides) == 10
        assert sides.count(IcsSide.CHILD_DEVELOPMENT) == 4
        assert sides.count(IcsSide.PARENTING_CAPACITY) == 3
        assert sides.count(IcsSide.FAMILY_AND_NETWORK) == 3

    def test_triangle_fields_are_the_dimensions_on_their_sides(self):
        covered = []
        for side in IcsSide:
            part = IcsTriangle.model_fields[side.value].annotation
            assert isinstance(part, type)
            assert issubclass(part, BaseModel)
            assert {IcsDimension(name).side for name in part.model_fields} == {side}
            covered += list(part.model_fields)
        assert sorted(covered) == sorted(d.value for d in IcsDimension)
