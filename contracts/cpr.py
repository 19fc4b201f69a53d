"""The CPR number as a value type that never shows itself.

``Cpr`` validates the format, the date and the century rule of DOMAIN.md §4. A failed
mod-11 check is reported by ``modulus11_ok``, never rejected: numbers issued since
1 October 2007 need not pass it. ``repr``, ``str`` and ``format`` print a mask; only
``reveal()`` (and JSON serialisation, which the wire needs) give the digits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = ["Cpr"]

# ASCII digits only: ``\d`` would take full-width and Arabic-Indic digits too.
_SHAPE: Final = re.compile(r"([0-9]{6})-?([0-9]{4})")
_WEIGHTS: Final = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
_MASK: Final = "******-****"
_CPR_FORMAT: Final = "cpr_format"
_CPR_DATE: Final = "cpr_date"
_CPR_TYPE: Final = "cpr_type"
# Replacement and synthetic numbers add 6 to the first day digit (days 61-91).
_REPLACEMENT_DAY_OFFSET: Final = 60


def _century(digit7: int, yy: int) -> int:
    """The century of the birth year, from the 7th digit and the two-digit year."""
    if digit7 <= 3:  # noqa: PLR2004 - the rule's own boundaries
        return 1900
    if digit7 in {4, 9}:
        return 2000 if yy <= 36 else 1900  # noqa: PLR2004
    return 2000 if yy <= 57 else 1800  # noqa: PLR2004 - digits 5-8


class Cpr:
    """A Danish personal identification number (CPR), validated and masked."""

    __slots__ = ("_digits",)
    pattern: ClassVar[str] = r"^\d{6}-?\d{4}$"

    def __init__(self, value: str) -> None:
        match = _SHAPE.fullmatch(value.strip())
        if match is None:
            msg = "not a CPR number: expected DDMMYY-SSSS"
            raise PydanticCustomError(_CPR_FORMAT, msg)
        digits = match.group(1) + match.group(2)
        if _birth_date(digits) is None:
            msg = "not a CPR number: no such birth date"
            raise PydanticCustomError(_CPR_DATE, msg)
        self._digits = digits

    def reveal(self) -> str:
        """The ten digits, without hyphen. Call it only where the number must leave."""
        return self._digits

    @property
    def birth_date(self) -> dt.date:
        """The birth date the number encodes (day less 60 for replacement numbers)."""
        date = _birth_date(self._digits)
        if date is None:  # pragma: no cover - checked in __init__
            raise AssertionError
        return date

    @property
    def is_replacement(self) -> bool:
        """True for replacement (erstatnings-) and synthetic numbers: day digit + 6."""
        return int(self._digits[:2]) > _REPLACEMENT_DAY_OFFSET

    @property
    def modulus11_ok(self) -> bool:
        """Whether the old mod-11 check holds; a warning sign at most, never an error."""
        total = sum(int(d) * w for d, w in zip(self._digits, _WEIGHTS, strict=True))
        return total % 11 == 0

    def __repr__(self) -> str:
        return f"Cpr('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, spec: str) -> str:
        return format(_MASK, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cpr) and other._digits == self._digits

    def __hash__(self) -> int:
        return hash(("Cpr", self._digits))

    def __reduce__(self) -> tuple[type[Cpr], tuple[str]]:
        return (Cpr, (self._digits,))

    @classmethod
    def __get_pydantic_core_schema__(
        cls,
        _source: Any,  # noqa: ANN401 - pydantic's hook signature
        _handler: GetCoreSchemaHandler,
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                Cpr.reveal, when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": cls.pattern,
            "description": (
                "CPR number, DDMMYY-SSSS with or without the hyphen; the date must exist "
                "(day + 60 for replacement numbers). A failed mod-11 check is accepted."
            ),
        }

    @classmethod
    def _validate(cls, value: object) -> Cpr:
        if isinstance(value, Cpr):
            return value
        if not isinstance(value, str):
            msg = "not a CPR number: expected a string"
            raise PydanticCustomError(_CPR_TYPE, msg)
        return cls(value)


def _birth_date(digits: str) -> dt.date | None:
    day, month, yy, digit7 = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if day > _REPLACEMENT_DAY_OFFSET:
        day -= _REPLACEMENT_DAY_OFFSET
    try:
        return dt.date(_century(digit7, yy) + yy, month, day)
    except ValueError:
        return None
