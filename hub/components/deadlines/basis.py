"""A rule's legal basis in the deadline contracts' terms: one act or order, and its paragraph.

A rule prefers its Barnets Lov paragraph (the law in force), falls back to its Serviceloven
one when the BL paragraph is marked unverified or absent, and else names the other act or
order it rests on (Retssikkerhedsloven, the data-reporting order). A text the contracts
cannot carry (such as "BL §143 (unverified)") is passed over; a rule with no text the
contracts can carry is an error in the table, which a test rules out.
"""

from __future__ import annotations

import re

from contracts.legal import Act, ActBasis
from hub.clock.model import Rule

__all__ = ["contract_basis"]

_ACTS = {
    "SEL": Act.SEL,
    "BL": Act.BL,
    "Retssikkerhedsloven": Act.RSL,
    "Databekendtgørelsen": Act.DATABEK,
}
"""How the rules table names an act or order → the contracts' ``Act``."""

_CITATION = re.compile(
    r"^(?P<act>" + "|".join(_ACTS) + r")"
    r"(?: §(?P<paragraph>[1-9]\d{0,2}(?: ?[a-z])?)"
    r"(?: stk\. (?P<stk>\d{1,2}))?(?: nr\. (?P<nr>\d{1,2}))?)?$"
)


def _parse(text: str | None) -> ActBasis | None:
    found = _CITATION.match(text or "")
    if found is None:  # absent, or qualified such as "(unverified)"
        return None
    stk, nr = found["stk"], found["nr"]
    try:
        return ActBasis(
            law=_ACTS[found["act"]],
            paragraph=found["paragraph"],
            stk=int(stk) if stk else None,
            nr=int(nr) if nr else None,
        )
    except ValueError:  # an act cited without a paragraph
        return None


def contract_basis(rule: Rule) -> ActBasis:
    """The act and paragraph the deadline contracts carry for ``rule``.

    Raises:
        ValueError: none of the rule's texts names an act or order the contracts know.

    """
    basis = _parse(rule.basis.bl) or _parse(rule.basis.sel) or _parse(rule.basis.other)
    if basis is None:
        msg = f"rule {rule.id}: no legal basis the deadline contracts can carry"
        raise ValueError(msg)
    return basis
