"""Person: looking a person up in the CPR register and what the register answered."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.cpr import Cpr
from contracts.problems import cross_field
from contracts.types import Kommunekode

__all__ = [
    "Address",
    "LookupPurpose",
    "NotFoundReason",
    "PersonLookupRequested",
    "PersonNotFound",
    "PersonResolved",
    "RelatedPerson",
    "Relation",
]


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


class Address(Record):
    """A Danish address as the CPR register gives it."""

    street: str = classified("Street name and number.", C.PERSONAL, min_length=1, max_length=200)
    postal_code: str = classified("Four-digit postal code.", C.PERSONAL, pattern=r"^\d{4}$")
    city: str = classified("Postal district.", C.PERSONAL, min_length=1, max_length=100)
    municipality: Kommunekode = classified(
        "Kommunekode of the municipality of residence.", C.PERSONAL
    )


class Relation(StrEnum):
    """How a related person relates to the looked-up child."""

    MOTHER = "mother"
    FATHER = "father"
    CO_MOTHER = "co_mother"
    CUSTODY_HOLDER = "custody_holder"  # someone with custody who is not a parent


class RelatedPerson(Record):
    """A parent or custody holder of the child."""

    cpr: Cpr = classified("The related person's CPR number.", C.PERSONAL)
    relation: Relation = classified("How they relate to the child.", C.PERSONAL)
    has_custody: bool = classified("They hold custody (forældremyndighed).", C.PERSONAL)


class PersonResolved(Contract):
    """The CPR register answered a lookup: the person, their parents and custody holders.

    A person with address protection (adressebeskyttelse) never has an address on the
    bus: the contract rejects an address when ``address_protected`` is true.
    """

    event_type: ClassVar[str] = "dk.casehub.person.resolved"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "person"

    request_id: str = classified(
        "The id of the PersonLookupRequested event answered.",
        C.INTERNAL,
        min_length=1,
        max_length=256,
    )
    cpr: Cpr = classified("The person looked up.", C.PERSONAL)
    full_name: str = classified(
        "Full name as registered.", C.PERSONAL, min_length=1, max_length=300
    )
    birth_date: dt.date = classified("Date of birth.", C.PERSONAL)
    address_protected: bool = classified(
        "The person has address protection; then no address is given.", C.PERSONAL
    )
    address: Address | None = classified(
        "The registered address; always absent under address protection.",
        C.PERSONAL,
        default=None,
    )
    related: tuple[RelatedPerson, ...] = classified(
        "Parents and custody holders (empty unless relations were requested).",
        C.PERSONAL,
        default=(),
        max_length=10,
    )

    @model_validator(mode="after")
    def _protected_address_is_absent(self) -> Self:
        if self.address_protected and self.address is not None:
            msg = "a person with address protection must have no address"
            raise cross_field(msg, "address_protected", "address")
        return self


class NotFoundReason(StrEnum):
    """Why the register had no answer for the number."""

    UNKNOWN = "unknown"  # no such number
    DECEASED = "deceased"
    EMIGRATED = "emigrated"
    DISAPPEARED = "disappeared"


class PersonNotFound(Contract):
    """The CPR register has no current person for the number looked up."""

    event_type: ClassVar[str] = "dk.casehub.person.not-found"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "person"

    request_id: str = classified(
        "The id of the PersonLookupRequested event answered.",
        C.INTERNAL,
        min_length=1,
        max_length=256,
    )
    reason: NotFoundReason = classified("Why no person was found.", C.PERSONAL)
