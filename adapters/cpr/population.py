"""A synthetic population for the CPR stand-ins: families with custody, a protected person.

Every CPR number is synthetic (day + 60), made here in code, so none is a real person's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from adapters.cpr.port import (
    Absence,
    Address,
    CustodyHolder,
    CustodyRole,
    Parent,
    ParentRole,
    PersonRecord,
)
from contracts.cpr import Cpr

__all__ = ["Population", "StandinPerson", "synthetic_cpr", "synthetic_population"]

_SYNTHETIC_DAY_OFFSET = 60
_DEAD = 90


def synthetic_cpr(birth: dt.date, serial: int) -> Cpr:
    """A synthetic CPR number for ``birth``: day + 60, and a 7th digit of the right century."""
    year = birth.year
    if 1900 <= year <= 1999:  # noqa: PLR2004 - the CPR century rule
        digit7 = 2
    elif 2000 <= year <= 2036:  # noqa: PLR2004
        digit7 = 4
    else:
        msg = "synthetic_cpr covers births 1900-2036"
        raise ValueError(msg)
    day = birth.day + _SYNTHETIC_DAY_OFFSET
    return Cpr(f"{day:02d}{birth.month:02d}{year % 100:02d}{digit7}{serial % 1000:03d}")


@dataclass(frozen=True, slots=True)
class StandinPerson:
    """One person as the stand-in register holds it (the wire view, before any protection)."""

    cpr: Cpr = field(repr=False)
    first_name: str = field(repr=False)
    last_name: str = field(repr=False)
    sex: str = field(repr=False)
    address: Address = field(repr=False)
    address_protected: bool = False
    digital_post: bool = True
    mother: Cpr | None = field(default=None, repr=False)
    father: Cpr | None = field(default=None, repr=False)
    # (custody type, relationPersonnummer or None); None lets the reader take mor/far.
    custody: tuple[tuple[CustodyRole, Cpr | None], ...] = field(default=(), repr=False)
    children: tuple[Cpr, ...] = field(default=(), repr=False)
    status: int = 1
    """The register's person status: 1 active, 90 dead (see the client's table)."""

    def record(self) -> PersonRecord:
        """What a correct adapter makes of this person: the port's view."""
        parents = tuple(
            Parent(role, cpr)
            for role, cpr in ((ParentRole.MOTHER, self.mother), (ParentRole.FATHER, self.father))
            if cpr is not None
        )
        by_role = {CustodyRole.MOTHER: self.mother, CustodyRole.FATHER: self.father}
        return PersonRecord(
            cpr=self.cpr,
            name=f"{self.first_name} {self.last_name}",
            birth_date=self.cpr.birth_date,
            address=None if self.address_protected else self.address,
            address_protected=self.address_protected,
            digital_post=self.digital_post,
            parents=parents,
            custody_holders=tuple(
                CustodyHolder(role, cpr if cpr is not None else by_role.get(role))
                for role, cpr in self.custody
            ),
        )


@dataclass(frozen=True, slots=True)
class Population:
    """The stand-in's people, and the numbers tests need by name."""

    people: Mapping[Cpr, StandinPerson] = field(repr=False)
    child: Cpr = field(repr=False)
    """A child in a family of three; both parents have joint custody."""
    mother: Cpr = field(repr=False)
    father: Cpr = field(repr=False)
    single_custody_child: Cpr = field(repr=False)
    """A child whose mother alone has custody; the father is registered without custody."""
    single_mother: Cpr = field(repr=False)
    other_father: Cpr = field(repr=False)
    protected: Cpr = field(repr=False)
    """An adult with address protection (adressebeskyttelse)."""
    unknown: Cpr = field(repr=False)
    """A well-formed synthetic number the register does not know."""
    deceased: Cpr = field(repr=False)
    """A person the register holds with status 90 (dead): no current person."""

    def records(self) -> dict[Cpr, PersonRecord]:
        """The port's view of everyone current, for ``InMemoryPersonRegister``."""
        return {cpr: person.record() for cpr, person in self.people.items() if person.status == 1}

    def absent(self) -> dict[Cpr, Absence]:
        """The people the register holds who are no longer current, and why."""
        return {cpr: Absence.DECEASED for cpr, p in self.people.items() if p.status == _DEAD}


def _address(street: str, number: str, postcode: str, city: str, kommune: str) -> Address:
    return Address(
        street=street,
        house_number=number,
        floor=None,
        door=None,
        postcode=postcode,
        city=city,
        municipality_code=kommune,
    )


def synthetic_population() -> Population:
    """Three households and a protected person, all invented."""
    home = _address("Prøvevej", "12", "8000", "Aarhus C", "751")
    child = synthetic_cpr(dt.date(2016, 3, 14), 123)
    mother = synthetic_cpr(dt.date(1988, 7, 2), 456)
    father = synthetic_cpr(dt.date(1986, 11, 23), 789)
    lone = synthetic_cpr(dt.date(2019, 9, 5), 242)
    single_mother = synthetic_cpr(dt.date(1995, 1, 30), 318)
    other_father = synthetic_cpr(dt.date(1993, 5, 17), 575)
    protected = synthetic_cpr(dt.date(1979, 12, 8), 664)
    unknown = synthetic_cpr(dt.date(2001, 6, 6), 999)
    deceased = synthetic_cpr(dt.date(1931, 4, 19), 111)
    flat = _address("Eksempelgade", "3", "5000", "Odense C", "461")
    people = [
        StandinPerson(
            child, "Alma", "Prøvesen", "K", home,
            mother=mother, father=father,
            custody=((CustodyRole.MOTHER, mother), (CustodyRole.FATHER, father)),
        ),
        StandinPerson(mother, "Birthe", "Prøvesen", "K", home, children=(child,)),
        StandinPerson(father, "Carl", "Prøvesen", "M", home, children=(child,), digital_post=False),
        StandinPerson(
            lone, "Ditte", "Testrup", "K", flat,
            mother=single_mother, father=other_father,
            custody=((CustodyRole.MOTHER, None),),
        ),
        StandinPerson(single_mother, "Eva", "Testrup", "K", flat, children=(lone,)),
        StandinPerson(
            other_father, "Frode", "Fiktiv", "M",
            _address("Opdigtet Allé", "40", "9000", "Aalborg", "851"), children=(lone,),
        ),
        StandinPerson(
            protected, "Gitte", "Skjult", "K",
            _address("Hemmelig Vej", "7", "2100", "København Ø", "101"), address_protected=True,
        ),
        StandinPerson(
            deceased, "Holger", "Forhenværende", "M",
            _address("Mindevej", "1", "4000", "Roskilde", "265"), status=_DEAD,
        ),
    ]  # fmt: skip
    return Population(
        people=MappingProxyType({person.cpr: person for person in people}),
        child=child,
        mother=mother,
        father=father,
        single_custody_child=lone,
        single_mother=single_mother,
        other_father=other_father,
        protected=protected,
        unknown=unknown,
        deceased=deceased,
    )
