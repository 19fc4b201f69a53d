"""The legal basis of a decision or a deadline: law, paragraph, stk. and nr.

Cases that started under Serviceloven continue after Barnets Lov took over on 1 January
2024, and statistics use both numberings, so a basis always names its law.

A decision rests on Serviceloven or Barnets Lov (``Law``, ``LegalBasis``). A deadline may
also rest on another act or order (``Act``, ``ActBasis``): the parties' appeal period on
Retssikkerhedsloven §67, the statistics reports on the data-reporting order. ``Law`` keeps
its two values: every published contract that carries a ``LegalBasis`` has them in its
schema, and a published schema never changes (``contracts.compat``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import StringConstraints, model_validator

from contracts.base import Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.problems import cross_field

__all__ = ["Act", "ActBasis", "Law", "LegalBasis", "Paragraph"]


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
            raise cross_field(msg, "stk", "nr")
        return self

    def __str__(self) -> str:
        text = f"{self.law.value} §{self.paragraph}"
        if self.stk is not None:
            text += f" stk. {self.stk}"
        if self.nr is not None:
            text += f" nr. {self.nr}"
        return text


class Act(StrEnum):
    """The act or order a deadline rests on: the two laws of ``Law``, and the others."""

    SEL = "SEL"  # Serviceloven, the Social Services Act (cases from before 2024)
    BL = "BL"  # Barnets Lov, the Children's Act (from 1 January 2024)
    RSL = "RSL"  # Retssikkerhedsloven, the Act on Legal Protection in social matters
    DATABEK = "DATABEK"  # databekendtgørelsen: the order on data reporting in social matters


_ORDERS = frozenset({Act.DATABEK})
"""Orders, which may be cited as a whole; an act is always cited by paragraph."""


class ActBasis(Record):
    """Act + paragraph (+ stk. + nr.), or an order as a whole, the way case workers write it.

    Reads every ``LegalBasis`` (SEL or BL with a paragraph) unchanged.
    """

    law: Act = classified(
        "SEL (Serviceloven), BL (Barnets Lov), RSL (Retssikkerhedsloven) or DATABEK "
        "(Bekendtgørelse om dataindberetninger på socialområdet, databekendtgørelsen).",
        C.PUBLIC,
    )
    paragraph: Paragraph | None = classified(
        "The paragraph, e.g. 32 or 155 b; absent only for an order cited as a whole.",
        C.PUBLIC,
        default=None,
    )
    stk: int | None = classified("The subsection (stk.).", C.PUBLIC, default=None, ge=1, le=99)
    nr: int | None = classified("The item (nr.) in the stk.", C.PUBLIC, default=None, ge=1, le=99)

    @model_validator(mode="after")
    def _cited_in_order(self) -> Self:
        if self.paragraph is None and self.law not in _ORDERS:
            msg = "an act is cited by paragraph; only an order may be cited as a whole"
            raise cross_field(msg, "law", "paragraph")
        if self.stk is not None and self.paragraph is None:
            msg = "stk. is only given within a paragraph"
            raise cross_field(msg, "paragraph", "stk")
        if self.nr is not None and self.stk is None:
            msg = "nr. is only given within a stk."
            raise cross_field(msg, "stk", "nr")
        return self

    def __str__(self) -> str:
        text = self.law.value
        if self.paragraph is not None:
            text += f" §{self.paragraph}"
        if self.stk is not None:
            text += f" stk. {self.stk}"
        if self.nr is not None:
            text += f" nr. {self.nr}"
        return text
