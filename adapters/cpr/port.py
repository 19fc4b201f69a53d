"""The CPR person register as the hub needs it: one lookup, in the hub's own words.

Errors a ``PersonRegister`` may raise:

- ``PersonNotFoundError``: the register has no current person for the number (``.reason``:
  unknown, deceased, emigrated, disappeared). A business "no", not a failure: the wiring
  publishes a fact and commits.
- ``RegisterUnavailableError`` (``UnavailableError``): no answer (timeout, refused, 5xx). Retry.
- ``RegisterRefusedError`` (``AuthorisationError``): the register refuses our certificate or
  service agreement. Nothing can succeed until people fix it.
- ``RegisterFaultError`` (``PermanentError``): the register rejected this request, or answered
  something that does not match the contract.
- ``NoServiceAgreementError`` (``PermanentError``): the hub has no service agreement for the
  municipality that asks; nothing was sent.
- ``hub.runtime.xmlsafe.UnsafeXmlError`` (``PermanentError``): the answer carried a DTD or entities.

Messages name the operation and a code, never a person. Records hide every personal field
from ``repr``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Protocol

from contracts.cpr import Cpr
from hub.runtime.errors import AuthorisationError, HubError, PermanentError, UnavailableError

__all__ = [
    "Absence",
    "Address",
    "CustodyHolder",
    "CustodyRole",
    "NoServiceAgreementError",
    "Parent",
    "ParentRole",
    "PersonNotFoundError",
    "PersonRecord",
    "PersonRegister",
    "RegisterFaultError",
    "RegisterRefusedError",
    "RegisterUnavailableError",
]


class Absence(StrEnum):
    """Why the register has no current person for a number."""

    UNKNOWN = "unknown"  # no such number, or the number is void (annulled, replaced)
    DECEASED = "deceased"
    EMIGRATED = "emigrated"
    DISAPPEARED = "disappeared"


class PersonNotFoundError(HubError):
    """The register has no current person with this CPR number (a business answer).

    ``reason`` says why: no such number, or the person is dead, emigrated or disappeared.
    """

    def __init__(self, message: str, reason: Absence = Absence.UNKNOWN) -> None:
        super().__init__(message)
        self.reason = reason


class RegisterUnavailableError(UnavailableError):
    """The register did not answer: timeout, connection refused, HTTP 5xx or a server fault."""


class RegisterRefusedError(AuthorisationError):
    """The register refused our credentials or service agreement (HTTP 401/403, access fault)."""


class RegisterFaultError(PermanentError):
    """The register rejected the request, or its answer does not match the contract."""


class NoServiceAgreementError(PermanentError):
    """No InvocationContext is configured for the municipality; nothing was sent."""


class ParentRole(StrEnum):
    """Which parent the register names."""

    MOTHER = "mother"
    FATHER = "father"


class CustodyRole(IntEnum):
    """The register's custody type (foraeldremyndighedtype)."""

    MOTHER = 3
    FATHER = 4
    OTHER_HOLDER_1 = 5
    OTHER_HOLDER_2 = 6


@dataclass(frozen=True, slots=True)
class Parent:
    """A parent; ``cpr`` is None when the register knows the parent only by name and birth date."""

    role: ParentRole
    cpr: Cpr | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class CustodyHolder:
    """A holder of custody (forældremyndighed); ``cpr`` is None when the register gives none."""

    role: CustodyRole
    cpr: Cpr | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class Address:
    """A Danish address as the register holds it (the person's current address)."""

    street: str = field(repr=False)
    house_number: str = field(repr=False)
    floor: str | None = field(repr=False)
    door: str | None = field(repr=False)
    postcode: str = field(repr=False)
    city: str = field(repr=False)
    municipality_code: str | None = field(repr=False)
    care_of: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What the register says about one person. ``repr`` shows only flags and counts.

    ``address`` is None when the register gives none and always None for a person with
    address protection (``address_protected``): a protected address never leaves the adapter.
    """

    cpr: Cpr = field(repr=False)
    name: str = field(repr=False)
    birth_date: dt.date = field(repr=False)
    address: Address | None = field(repr=False)
    address_protected: bool
    digital_post: bool
    parents: tuple[Parent, ...] = field(default=(), repr=False)
    custody_holders: tuple[CustodyHolder, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.address_protected and self.address is not None:
            msg = "a protected person's record cannot carry an address"
            raise ValueError(msg)


class PersonRegister(Protocol):
    """The CPR register: base data, address, parents and custody holders of one person."""

    async def lookup(self, cpr: Cpr, *, municipality: str) -> PersonRecord:
        """The register's record of ``cpr``, asked on behalf of ``municipality`` (kommunekode).

        Raises:
            PersonNotFoundError: no current person (unknown, dead, emigrated, disappeared).
            RegisterUnavailableError: the register did not answer; try again later.
            RegisterRefusedError: the register refused our credentials or agreement.
            RegisterFaultError: the register rejected the request or answered off-contract.
            NoServiceAgreementError: no service agreement for ``municipality``.

        """
        ...
