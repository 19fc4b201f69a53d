"""The legal basis of a decision or a deadline: law, paragraph, stk. and nr.

Cases that started under Serviceloven continue after Barnets Lov took over on 1 January
2024, and statistics use both numberings, so a basis always names its law.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import StringConstraints, model_validator

from contracts.base import Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified

__all__ = ["Law", "LegalBasis", "Paragraph"]


class Law(StrEnum):
    """The act a paragraph belongs to."""

    SEL = "SEL"  # Serviceloven, the Social Services Act (cases from before 2024)
    BL = "BL"  # Barnets Lov, the Children's Act (from 1 January 2024)


Paragraph = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{0,2}(?: ?[a-z])?$")]
"""A paragraph number, with the letter of an inserted paragraph: ``32``, ``155 b``."""


class LegalBasis(Record):
    """Law + paragraph (+ stk. + nr.), rendered the way case workers write it."""

    law: Law = classified("SEL (Serviceloven) or BL (Barnets Lov).", C.PUBLIC)
    paragraph: Paragraph = classified("The paragraph, e.g. 32 or 155 b.", C.PUBLIC)
    stk: int | None = classified("The subsection (stk.).", C.PUBLIC, default=None, ge=1, le=99)
    nr: int | None = classified("The item (nr.) in the stk.", C.PUBLIC, default=None, ge=1, le=99)

    @model_validator(mode="after")
    def _nr_needs_stk(self) -> Self:
        if self.nr is not None and self.stk is None:
            msg = "nr. is only given within a stk."
            raise ValueError(msg)
        return self

    def __str__(self) -> str:
        text = f"{self.law.value} §{self.paragraph}"
        if self.stk is not None:
            text += f" stk. {self.stk}"
        if self.nr is not None:
            text += f" nr. {self.nr}"
        return text
