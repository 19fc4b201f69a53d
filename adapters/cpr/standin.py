"""The CPR register, locally: a fake of the port and a wire-level SOAP 1.1 stand-in.

``InMemoryPersonRegister`` fakes ``PersonRegister`` (state, ``.asked``, failure switches).
``CprStandin`` answers real SF1520 PersonLookup envelopes from a synthetic population; the
failure switch (changeable at run time), the hardened parsing and both carriers (an
``httpx.MockTransport`` and an ASGI app for a loopback server) are ``adapters.soap.standin``'s.
Answers follow the official schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final, Never

from lxml import etree

from adapters.cpr.population import Population, StandinPerson, synthetic_population
from adapters.cpr.port import (
    Absence,
    PersonNotFoundError,
    PersonRecord,
    RegisterRefusedError,
    RegisterUnavailableError,
)
from adapters.soap import standin as soap
from adapters.soap.standin import SOAP_ENV, Failure, Reply, envelope, fault
from contracts.cpr import Cpr

__all__ = ["SOAP_ACTION", "SOAP_PATH", "CprStandin", "Failure", "InMemoryPersonRegister"]

NS: Final = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
_INVCTX: Final = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
_PNR: Final = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
SOAP_ACTION: Final = NS + "PersonLookup"
SOAP_PATH: Final = "/service/CPR/PersonBaseDataExtended/4"


class InMemoryPersonRegister:
    """A fake ``PersonRegister``: records what it is asked, and fails when told to."""

    def __init__(
        self,
        records: Mapping[Cpr, PersonRecord] | None = None,
        absent: Mapping[Cpr, Absence] | None = None,
    ) -> None:
        population = synthetic_population()
        self.records = dict(population.records() if records is None else records)
        self.absent = dict(population.absent() if absent is None else absent)
        self.asked: list[tuple[Cpr, str]] = []
        self.down = False
        self.refused = False

    async def lookup(self, cpr: Cpr, *, municipality: str) -> PersonRecord:
        """The record of ``cpr``, or the port's errors when switched to fail."""
        self.asked.append((cpr, municipality))
        if self.refused:
            msg = "CPR PersonLookup: HTTP 403"
            raise RegisterRefusedError(msg)
        if self.down:
            msg = "CPR PersonLookup: timeout"
            raise RegisterUnavailableError(msg)
        if cpr in self.absent:
            msg = "CPR PersonLookup: person no longer current"
            raise PersonNotFoundError(msg, self.absent[cpr])
        record = self.records.get(cpr)
        if record is None:
            msg = "CPR PersonLookup: SOAP fault PersonNotFound"
            raise PersonNotFoundError(msg)
        return record

    def __repr__(self) -> str:
        return f"InMemoryPersonRegister(people={len(self.records)}, asked={len(self.asked)})"


def _lookup_answer(name: str) -> str:
    """A PersonLookupResponse with ``name`` as the addressing name (the unsafe answers' text)."""
    return (
        f'<PersonLookupResponse xmlns="{NS}"><persondata><navn>'
        f"<personadresseringsnavn>{name}</personadresseringsnavn></navn>"
        "<antalBoernUnder18>0</antalBoernUnder18></persondata></PersonLookupResponse>"
    )


XXE_PAYLOAD: Final = soap.xxe_answer(_lookup_answer)
ENTITY_BOMB: Final = soap.entity_bomb(_lookup_answer)


class CprStandin(soap.SoapStandin[Never]):
    """SF1520 PersonLookup over SOAP 1.1, answered from a synthetic population."""

    def __init__(self, population: Population | None = None, *, delay_s: float = 2.0) -> None:
        super().__init__(SOAP_PATH, xxe=XXE_PAYLOAD, entity_bomb=ENTITY_BOMB, delay_s=delay_s)
        self.population = population or synthetic_population()

    def _operation(self, request: etree._Element, soap_action: str | None) -> Reply:
        if (soap_action or "").strip('"') != SOAP_ACTION:
            return fault("Client", "InvalidSoapAction", "unknown soapAction")
        lookup = request.find(f"{{{SOAP_ENV}}}Body/{{{NS}}}PersonLookupRequest")
        if lookup is None or lookup.find(f"{{{_INVCTX}}}InvocationContext") is None:
            return fault("Client", "AccessDenied", "no InvocationContext")
        pnr = (lookup.findtext(f"{{{_PNR}}}PNR") or "").strip()
        person = self._person(pnr)
        if person is None:
            # Like a real service, the text quotes the number: the client must never carry it.
            return fault("Client", "PersonNotFound", f"Person med PNR {pnr} findes ikke")
        return Reply(200, envelope(_lookup_response(person, self.population)))

    def _person(self, pnr: str) -> StandinPerson | None:
        try:
            return self.population.people.get(Cpr(pnr))
        except ValueError:
            return None

    def __repr__(self) -> str:
        return f"CprStandin(failure={self.failure.value}, received={len(self.received)})"


def _el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        child.text = text
    return child


def _lookup_response(person: StandinPerson, population: Population) -> etree._Element:
    """A PersonLookupResponse in the official element order (SF1520 v4 Types XSD)."""
    response = etree.Element(f"{{{NS}}}PersonLookupResponse", nsmap={"cpr": NS})
    data = _el(response, "persondata")
    _el(data, "personnummer", person.cpr.reveal())
    _el(data, "gaeldendePersonnummer", person.cpr.reveal())
    navn = _el(data, "navn")
    _el(navn, "personadresseringsnavn", f"{person.last_name},{person.first_name}")
    _el(navn, "fornavn", person.first_name)
    _el(navn, "efternavn", person.last_name)
    _el(_el(data, "foedselsdato"), "dato", person.cpr.birth_date.isoformat())
    _el(data, "koen", person.sex)
    _el(data, "antalBoernUnder18", str(len(person.children)))
    _el(_el(data, "status"), "status", str(person.status))
    if person.address_protected:
        protection = _el(data, "adressebeskyttelse")
        _el(protection, "startdato", dt.date(2020, 1, 1).isoformat())
        _el(protection, "beskyttet", "true")
    _el(data, "tilmeldtDigitalpost", "true" if person.digital_post else "false")
    # The register sends a protected person's address to an authorised caller too; keeping
    # it from leaving is the adapter's job, and the tests check that it does.
    current = _el(_el(response, "adresse"), "aktuelAdresse")
    address = person.address
    _el(current, "kommunekode", address.municipality_code)
    _el(current, "husnummer", address.house_number)
    _el(current, "postnummer", address.postcode)
    _el(current, "postdistrikt", address.city)
    _el(current, "vejnavn", address.street)
    _el(current, "standardadresse", f"{address.street} {address.house_number}")
    relations = _el(response, "relationer")
    for child in person.children:
        _el(_el(relations, "barn"), "personnummer", child.reveal())
    for tag, parent in (("mor", person.mother), ("far", person.father)):
        if parent is not None and parent in population.people:
            _el(_el(relations, tag), "personnummer", parent.reveal())
    for role, holder in person.custody:
        custody = _el(relations, "foraeldremyndighed")
        _el(custody, "foraeldremyndighedtype", str(int(role)))
        if holder is not None:
            _el(custody, "relationPersonnummer", holder.reveal())
    return response
