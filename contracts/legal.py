"""The legal basis of a decision or a deadline: law, paragraph, stk. and nr.

Cases that started under Serviceloven continue after Barnets Lov took over on 1 January
2024, and statistics use both numberings, so a basis always names its law.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from contracts.base import Record

__all__ = ["Law", "LegalBasis", "Paragraph"]


class Law(StrEnum):
    """The act a paragraph belongs to."""

    SEL = "SEL"  # Serviceloven, the Social Services Act (cases from before 2024)
    BL = "BL"  # Barnets Lov, the Children's Act (from 1 January 2024)


Paragraph = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{0,2}(?: ?[a-z])?$")]
"""A paragraph number, with the letter of an inserted paragraph: ``32``, ``155 b``."""


class LegalBasis(Record):
    """Law + paragraph (+ stk. + nr.), rendered the way case workers write it."""

    law: Law = Field(description="SEL (Serviceloven) or BL (Barnets Lov).")
    paragraph: Paragraph = Field(description="The paragraph, e.g. 32 or 155 b.")
    stk: int | None = Field(default=None, ge=1, le=99, description="The subsection (stk.).")
    nr: int | None = Field(default=None, ge=1, le=99, description="The item (nr.) in the stk.")

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
