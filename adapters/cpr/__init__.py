"""CPR: the SF1520 person register (PersonBaseDataExtended v4) behind a small port."""

from adapters.cpr.client import CprClient, cpr_http_client
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
from adapters.cpr.standin import Failure, InMemoryPersonRegister, SoapStandin
from adapters.cpr.wiring import build_person_lookup

__all__ = [
    "Absence",
    "Address",
    "CprClient",
    "CprSettings",
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
    "SoapStandin",
    "build_person_lookup",
    "cpr_http_client",
    "synthetic_population",
]
