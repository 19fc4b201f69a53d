"""Money in Danish kroner: an exact ``Decimal`` with two decimals, a string on the wire.

A float cannot hold 0.10 exactly, and JSON numbers are floats to most parsers, so the
amount travels as a string (``"1234.50"``) and is never accepted as a number.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Final

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = ["Money"]

_PATTERN: Final = r"^-?\d{1,12}\.\d{2}$"
_SHAPE: Final = re.compile(_PATTERN)
_CENTS: Final = Decimal("0.01")
_ERROR: Final = "money"


def _money(value: object) -> Decimal:
    if isinstance(value, Decimal):
        try:
            exact = value.quantize(_CENTS)
        except InvalidOperation:
            exact = None
        if exact is None or exact != value or not value.is_finite():
            msg = "an amount in DKK has at most two decimals"
            raise PydanticCustomError(_ERROR, msg)
        return exact
    if isinstance(value, str) and _SHAPE.fullmatch(value):
        return Decimal(value)
    msg = "an amount in DKK is a string with two decimals, e.g. 1234.50 (never a number)"
    raise PydanticCustomError(_ERROR, msg)


def _text(value: Decimal) -> str:
    return f"{value.quantize(_CENTS):f}"


Money = Annotated[
    Decimal,
    PlainValidator(_money),
    PlainSerializer(_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _PATTERN,
            "description": "An amount in DKK with exactly two decimals, as a string.",
        }
    ),
]
"""An amount in DKK: exact, two decimals, a string in JSON."""
