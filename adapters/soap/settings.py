"""What the SOAP adapters' settings share beyond ``EndpointSettings``: the per-municipality table.

``ByMunicipality[...]`` keys a table by three-digit kommunekode; an unknown code fails.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import AfterValidator

from contracts.municipalities import MUNICIPALITIES

__all__ = ["ByMunicipality"]

_Value = TypeVar("_Value")


def _known_municipalities(value: dict[str, _Value]) -> dict[str, _Value]:
    unknown = sorted(code for code in value if code not in MUNICIPALITIES)
    if unknown:
        msg = f"unknown kommunekode: {', '.join(unknown)}"
        raise ValueError(msg)
    return value


ByMunicipality = Annotated[dict[str, _Value], AfterValidator(_known_municipalities)]
"""A table keyed by three-digit kommunekode; an unknown code fails validation."""
