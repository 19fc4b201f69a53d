"""The SF1520 PersonLookup client: PersonLookup over ``adapters.soap.client``, and its answer read.

zeep reads the WSDL in ``wsdl/`` from disk and posts over the ``httpx.AsyncClient`` it is given,
which carries the base URL, the timeouts and, in production, the mutual-TLS context. The SOAP
plumbing and the translation of errors are ``adapters.soap.client``'s; this module adds the
register's own fault code (``NOT_FOUND_CODES``) and reads the person from the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Self

import httpx
from zeep.proxy import AsyncServiceProxy

from adapters.cpr.cache import TtlCache
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
    RegisterFaultError,
    RegisterRefusedError,
    RegisterUnavailableError,
)
from adapters.cpr.settings import CprSettings, InvocationContext
from adapters.soap.client import REFUSED_CODES, Errors, connect, translate_errors
from contracts.cpr import Cpr

__all__ = ["NOT_FOUND_CODES", "REFUSED_CODES", "WSDL", "CprClient"]

WSDL: Final = Path(__file__).parent / "wsdl" / "PersonBaseDataExtendedService.wsdl"
_NS: Final = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
_BINDING: Final = f"{{{_NS}}}PersonBaseDataExtendedBinding"
_SERVICE: Final = "CPR"
_OPERATION: Final = f"{_SERVICE} PersonLookup"

# Error codes in a ServiceplatformFault's detail that mean "no such person". The public contract
# lists none, so these are the hub's assumption (unverified against the real service) and what
# the stand-in sends. Refused is ``adapters.soap.client.REFUSED_CODES``, re-exported here.
NOT_FOUND_CODES: Final = frozenset({"PersonNotFound"})
_ERRORS: Final = Errors(
    unavailable=RegisterUnavailableError,
    refused=RegisterRefusedError,
    fault=RegisterFaultError,
    by_code=dict.fromkeys(NOT_FOUND_CODES, PersonNotFoundError),
)
# The register's person status: these mean there is no current person for the number.
_ABSENT: Final = {
    30: Absence.UNKNOWN,  # annulled number
    50: Absence.UNKNOWN,  # deleted as a duplicate
    60: Absence.UNKNOWN,  # replaced by another number
    70: Absence.DISAPPEARED,
    80: Absence.EMIGRATED,
    90: Absence.DECEASED,
}


class CprClient:
    """``PersonRegister`` over SF1520 PersonLookup (SOAP 1.1, zeep)."""

    def __init__(
        self,
        service: AsyncServiceProxy,
        contexts: Mapping[str, InvocationContext],
        cache: TtlCache[tuple[str, Cpr], PersonRecord],
    ) -> None:
        self._service = service
        self._contexts = dict(contexts)
        self._cache = cache

    @classmethod
    def connect(cls, http: httpx.AsyncClient, settings: CprSettings) -> Self:
        """Build the client from the local WSDL, posting through ``http`` to ``settings.path``.

        ``http`` stays the caller's to close. zeep's transport replaces its default headers
        with zeep's User-Agent; base URL, timeouts and TLS are kept.
        """
        client = connect(WSDL, http, _ERRORS, service=_SERVICE, operation="PersonLookup")
        address = str(http.base_url.join(settings.path))
        # AsyncClient.create_service returns a synchronous proxy (zeep 4.3.3), so build the
        # asynchronous one directly.
        service = AsyncServiceProxy(client, client.wsdl.bindings[_BINDING], address=address)
        cache: TtlCache[tuple[str, Cpr], PersonRecord] = TtlCache(
            settings.cache_ttl_s, settings.cache_size
        )
        return cls(service, settings.invocation_contexts, cache)

    async def lookup(self, cpr: Cpr, *, municipality: str) -> PersonRecord:
        """The register's record of ``cpr``, asked on behalf of ``municipality``.

        Raises:
            PersonNotFoundError: no current person; ``.reason`` says why.
            RegisterUnavailableError: no answer (timeout, connection, HTTP 5xx, server fault).
            RegisterRefusedError: HTTP 401/403 or an access fault.
            RegisterFaultError: the request was rejected or the answer is off-contract.
            NoServiceAgreementError: no InvocationContext for ``municipality``.
            UnsafeXmlError: the answer carried a DTD or entities.

        """
        context = self._contexts.get(municipality)
        if context is None:
            msg = f"{_OPERATION}: no service agreement for the municipality"
            raise NoServiceAgreementError(msg)
        key = (municipality, cpr)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with translate_errors(_OPERATION, _ERRORS):
            reply = await self._service.PersonLookup(
                InvocationContext={
                    "ServiceAgreementUUID": str(context.service_agreement_uuid),
                    "UserSystemUUID": str(context.user_system_uuid),
                    "UserUUID": str(context.user_uuid),
                    "ServiceUUID": str(context.service_uuid),
                },
                PNR=cpr.reveal(),
            )
        record = _record(cpr, reply, today=dt.datetime.now(dt.UTC).date())
        self._cache.put(key, record)
        return record

    def __repr__(self) -> str:
        return f"CprClient(municipalities={len(self._contexts)})"


def _record(cpr: Cpr, reply: object, *, today: dt.date) -> PersonRecord:
    """The hub's record from zeep's answer; a protected person's address is dropped here."""
    data = getattr(reply, "persondata", None)
    if data is None:
        msg = f"{_OPERATION}: answer without person data"
        raise PersonNotFoundError(msg)
    status = getattr(getattr(data, "status", None), "status", None)
    code = int(status) if isinstance(status, int | str) else None
    if code is not None and code in _ABSENT:
        msg = f"{_OPERATION}: person status {code}"
        raise PersonNotFoundError(msg, _ABSENT[code])
    try:
        protected = _protected(getattr(data, "adressebeskyttelse", None), today)
        relations = getattr(reply, "relationer", None)
        parents = _parents(relations)
        return PersonRecord(
            cpr=cpr,
            name=_name(getattr(data, "navn", None)),
            birth_date=_date(getattr(data, "foedselsdato", None)) or cpr.birth_date,
            # Address protection: the address is not even read for a protected person.
            address=None if protected else _address(getattr(reply, "adresse", None)),
            address_protected=protected,
            digital_post=getattr(data, "tilmeldtDigitalpost", None) is True,
            parents=parents,
            custody_holders=_custody(relations, parents, today),
        )
    except (ValueError, TypeError, AttributeError):
        msg = f"{_OPERATION}: answer off contract"
        raise RegisterFaultError(msg) from None


def _protected(protection: object, today: dt.date) -> bool:
    """Protected unless the register says it is not, or its protection has ended."""
    if protection is None:
        return False
    if getattr(protection, "beskyttet", None) is False:
        return False
    ends = getattr(protection, "slutdato", None)
    return not (isinstance(ends, dt.date) and ends <= today)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _name(name: object) -> str:
    """First, middle and last name, else the addressing name; no name at all is off-contract."""
    parts = [_text(getattr(name, part, None)) for part in ("fornavn", "mellemnavn", "efternavn")]
    full = " ".join(part for part in parts if part)
    full = full or _text(getattr(name, "personadresseringsnavn", None)) or ""
    if not full:
        msg = "no name"
        raise ValueError(msg)
    return full


def _date(value: object) -> dt.date | None:
    date = getattr(value, "dato", None)
    return date if isinstance(date, dt.date) else None


def _address(data: object) -> Address | None:
    current = getattr(data, "aktuelAdresse", None)
    if current is None:
        return None
    street = _text(getattr(current, "vejnavn", None))
    if street is None:
        return None
    return Address(
        street=street,
        house_number=_text(getattr(current, "husnummer", None)) or "",
        floor=_text(getattr(current, "etage", None)),
        door=_text(getattr(current, "sidedoer", None)),
        postcode=_text(getattr(current, "postnummer", None)) or "",
        city=_text(getattr(current, "postdistrikt", None)) or "",
        municipality_code=_kommunekode(getattr(current, "kommunekode", None)),
        care_of=_text(getattr(current, "conavn", None)),
    )


def _kommunekode(value: object) -> str | None:
    """The three-digit kommunekode; the register may send it as a number or with a leading 0."""
    text = _text(value)
    if text is None or not text.isdigit():
        return None
    return f"{int(text):03d}"


def _cpr_or_none(value: object) -> Cpr | None:
    text = _text(value)
    return None if text is None else Cpr(text)


def _parents(relations: object) -> tuple[Parent, ...]:
    parents = []
    for element, role in (("mor", ParentRole.MOTHER), ("far", ParentRole.FATHER)):
        parent = getattr(relations, element, None)
        if parent is not None:
            parents.append(Parent(role, _cpr_or_none(getattr(parent, "personnummer", None))))
    return tuple(parents)


def _custody(
    relations: object, parents: tuple[Parent, ...], today: dt.date
) -> tuple[CustodyHolder, ...]:
    """Current custody holders; for a parent's custody the number may come from ``mor``/``far``."""
    by_role = {parent.role: parent.cpr for parent in parents}
    parent_of = {CustodyRole.MOTHER: ParentRole.MOTHER, CustodyRole.FATHER: ParentRole.FATHER}
    holders = []
    for entry in getattr(relations, "foraeldremyndighed", None) or ():
        ended = getattr(entry, "foraeldremyndighedSletdato", None)
        if isinstance(ended, dt.date) and ended <= today:
            continue
        role = CustodyRole(int(getattr(entry, "foraeldremyndighedtype")))  # noqa: B009
        cpr = _cpr_or_none(getattr(entry, "relationPersonnummer", None))
        if cpr is None and role in parent_of:
            cpr = by_role.get(parent_of[role])
        holders.append(CustodyHolder(role, cpr))
    return tuple(holders)
