"""A rule's legal basis in the deadline contracts' terms: one SEL or BL paragraph, or none.

The contracts' ``LegalBasis`` names Serviceloven or Barnets Lov only. A rule prefers its
Barnets Lov paragraph (the law in force), falls back to its Serviceloven one when the BL
paragraph is marked unverified or absent, and has none when its duty lies in another act
(Retssikkerhedsloven, the statistics order): such deadlines are tracked but not published
until the contracts can name other acts.
"""

from __future__ import annotations

import re

from contracts.legal import Law, LegalBasis
from hub.deadlines.model import Rule

__all__ = ["contract_basis"]

_PARAGRAPH = re.compile(
    r"^(?P<law>SEL|BL) §(?P<paragraph>[1-9]\d{0,2}(?: ?[a-z])?)"
    r"(?: stk\. (?P<stk>\d{1,2}))?(?: nr\. (?P<nr>\d{1,2}))?$"
)


def _parse(text: str | None) -> LegalBasis | None:
    found = _PARAGRAPH.match(text or "")
    if found is None:  # absent, or qualified such as "(unverified)"
        return None
    stk, nr = found["stk"], found["nr"]
    return LegalBasis(
        law=Law(found["law"]),
        paragraph=found["paragraph"],
        stk=int(stk) if stk else None,
        nr=int(nr) if nr else None,
    )


def contract_basis(rule: Rule) -> LegalBasis | None:
    """The paragraph the deadline contracts carry for ``rule``, or None if they cannot."""
    return _parse(rule.basis.bl) or _parse(rule.basis.sel)
