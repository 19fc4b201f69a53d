"""The stand-ins: the port fake, and the SOAP stand-in served for real on a loopback port."""

import datetime as dt

import httpx
import pytest

from adapters.cpr import (
    Absence,
    CprClient,
    CprStandin,
    Failure,
    InMemoryPersonRegister,
    PersonNotFoundError,
    PersonRegister,
    RegisterRefusedError,
    RegisterUnavailableError,
    synthetic_population,
)
from adapters.cpr.standin import SOAP_ACTION
from hub.runtime.serve import serving


class TestInMemoryPersonRegister:
    async def test_answers_from_the_synthetic_population_and_records_what_it_was_asked(self):
        register = InMemoryPersonRegister()
        people = synthetic_population()

        record = await register.lookup(people.child, municipality="751")

        assert record == people.people[people.child].record()
        assert register.asked == [(people.child, "751")]

    async def test_unknown_deceased_down_and_refused(self):
        register = InMemoryPersonRegister()
        people = synthetic_population()
        with pytest.raises(PersonNotFoundError) as unknown:
            await register.lookup(people.unknown, municipality="751")
        with pytest.raises(PersonNotFoundError) as deceased:
            await register.lookup(people.deceased, municipality="751")
        assert (unknown.value.reason, deceased.value.reason) == (
            Absence.UNKNOWN,
            Absence.DECEASED,
        )
        register.down = True
        with pytest.raises(RegisterUnavailableError):
            await register.lookup(people.child, municipality="751")
        register.refused = True
        with pytest.raises(RegisterRefusedError):
            await register.lookup(people.child, municipality="751")
        assert len(register.asked) == 4

    def test_the_protected_person_has_no_address_in_the_fake(self):
        people = synthetic_population()
        record = InMemoryPersonRegister().records[people.protected]
        assert record.address_protected
        assert record.address is None

    def test_repr_shows_counts_only(self):
        people = synthetic_population()
        text = repr(InMemoryPersonRegister()) + repr(people) + repr(CprStandin())
        assert people.child.reveal() not in text


class TestSyntheticPopulation:
    def test_every_number_is_synthetic(self):
        people = synthetic_population()
        numbers = [*people.people, people.unknown]
        assert len(set(numbers)) == len(numbers)
        assert people.deceased in people.people
        for cpr in numbers:
            assert 61 <= int(cpr.reveal()[:2]) <= 91
            assert cpr.is_replacement

    def test_the_families(self):
        people = synthetic_population()
        child = people.people[people.child]
        assert (child.mother, child.father) == (people.mother, people.father)
        assert len(child.custody) == 2
        assert len(people.people[people.single_custody_child].custody) == 1
        assert people.people[people.protected].address_protected
        assert people.unknown not in people.people
        assert people.people[people.child].cpr.birth_date == dt.date(2016, 3, 14)


class TestServedOnLoopback:
    async def test_the_client_finds_a_person_over_real_http(self, cpr_settings):
        standin = CprStandin()
        people = standin.population
        async with (
            serving(standin.asgi()) as url,
            httpx.AsyncClient(base_url=url, timeout=2.0) as http,
        ):
            client = CprClient.connect(http, cpr_settings)
            record = await client.lookup(people.child, municipality="751")

        assert record.name == "Alma Prøvesen"
        assert record.custody_holders

    async def test_failure_modes_switch_at_run_time(self, cpr_settings):
        standin = CprStandin(delay_s=0.6)
        people = standin.population
        async with (
            serving(standin.asgi()) as url,
            httpx.AsyncClient(base_url=url, timeout=0.2) as http,
        ):
            client = CprClient.connect(http, cpr_settings)
            standin.failure = Failure.TIMEOUT  # the server really sleeps past the timeout
            with pytest.raises(RegisterUnavailableError, match="timeout"):
                await client.lookup(people.child, municipality="751")
            standin.failure = Failure.HTTP_FORBIDDEN
            with pytest.raises(RegisterRefusedError, match="HTTP 403"):
                await client.lookup(people.child, municipality="751")
            standin.failure = Failure.NONE
            assert (await client.lookup(people.child, municipality="751")).name

    async def test_only_the_services_path_answers(self):
        standin = CprStandin()
        async with serving(standin.asgi()) as url, httpx.AsyncClient(base_url=url) as http:
            reply = await http.post("/elsewhere", content=b"<x/>")
            wrong_action = await http.post(
                "/service/CPR/PersonBaseDataExtended/4",
                content=standin.received[0] if standin.received else b"<x/>",
                headers={"soapaction": "urn:other"},
            )

        assert reply.status_code == 404
        assert wrong_action.status_code == 500
        assert SOAP_ACTION.encode() not in wrong_action.content


def test_the_command_line_takes_a_port_and_a_failure_mode():
    from adapters.cpr.__main__ import options

    parsed = options(["--port", "9000", "--failure", "auth-fault"])
    assert (parsed.port, Failure(parsed.failure)) == (9000, Failure.AUTH_FAULT)
    with pytest.raises(SystemExit):
        options(["--failure", "nonsense"])


def _port_shape(client: CprClient, fake: InMemoryPersonRegister) -> list[PersonRegister]:
    # Type-checked by mypy: both satisfy the port by shape, without subclassing it.
    return [client, fake]
