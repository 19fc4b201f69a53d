"""CPR: the SF1520 person register (PersonBaseDataExtended v4) behind a small port."""

from adapters.cpr.client import CprClient
from adapters.cpr.component import COMPONENT
from adapters.cpr.population import Population, synthetic_population
from adapters.cpr.port import (
    Absence,
    Address,
    CustodyHolder,
    CustodyRole,
    NoServiceAgreementError,
    Parent,
    ParentRole,
    PersonNotFoundError,
    PersonRecord,
    PersonRegister,
    RegisterFaultError,
    RegisterRefusedError,
    RegisterUnavailableError,
)
from adapters.cpr.settings import CprSettings, InvocationContext
from adapters.cpr.standin import CprStandin, Failure, InMemoryPersonRegister
from adapters.cpr.wiring import build_person_lookup

__all__ = [
    "COMPONENT",
    "Absence",
    "Address",
    "CprClient",
    "CprSettings",
    "CprStandin",
    "CustodyHolder",
    "CustodyRole",
    "Failure",
    "InMemoryPersonRegister",
    "InvocationContext",
    "NoServiceAgreementError",
    "Parent",
    "ParentRole",
    "PersonNotFoundError",
    "PersonRecord",
    "PersonRegister",
    "Population",
    "RegisterFaultError",
    "RegisterRefusedError",
    "RegisterUnavailableError",
    "build_person_lookup",
    "synthetic_population",
]
