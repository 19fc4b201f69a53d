"""Person: looking a person up in the CPR register and what the register answered."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.cpr import Cpr

__all__ = ["LookupPurpose", "PersonLookupRequested"]


class LookupPurpose(StrEnum):
    """Why the hub asks the CPR register; logged with the lookup for the audit trail."""

    NOTIFICATION = "notification"
    CASE = "case"
    LETTER = "letter"
    HANDOVER = "handover"


class PersonLookupRequested(Contract):
    """The hub needs a person's base data (person, address, parents, custody) from CPR."""

    event_type: ClassVar[str] = "dk.casehub.person.lookup-requested"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "person"

    cpr: Cpr = classified("The person to look up.", C.PERSONAL)
    purpose: LookupPurpose = classified("Why the lookup is made.", C.INTERNAL)
    include_relations: bool = classified(
        "Also resolve parents and custody holders (for a child).", C.INTERNAL, default=True
    )
