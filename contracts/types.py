"""Constrained value types shared by the contracts (the larger ones live beside this module)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from contracts.cpr import Cpr
from contracts.ics import IcsDimension, IcsRating, IcsSide, IcsTriangle
from contracts.kle import Kle
from contracts.legal import Law, LegalBasis
from contracts.money import Money
from contracts.municipalities import MUNICIPALITIES

__all__ = [
    "CaseId",
    "Cpr",
    "IcsDimension",
    "IcsRating",
    "IcsSide",
    "IcsTriangle",
    "Kle",
    "Kommunekode",
    "Law",
    "LegalBasis",
    "Money",
    "RecordId",
]

_ERROR_TYPE = "kommunekode"


def _known_municipality(code: str) -> str:
    if code not in MUNICIPALITIES:
        msg = "not one of the 98 municipality codes"
        raise PydanticCustomError(_ERROR_TYPE, msg)
    return code


Kommunekode = Annotated[
    str,
    StringConstraints(pattern=r"^\d{3}$"),
    AfterValidator(_known_municipality),
]
"""A municipality's three-digit code (kommunekode), one of the 98."""

CaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
"""The hub's id of a case: the Kafka key, so all of one case's events keep their order."""

RecordId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
"""An id of something within a case (a decision, a measure, a letter): never personal."""
