"""The CPR client through the wire-level stand-in: zeep's parsing and our error translation."""

import datetime as dt
import io
import logging
import socket
import types

import httpx
import pytest

from adapters.cpr import (
    Absence,
    CprClient,
    CprSettings,
    CustodyHolder,
    CustodyRole,
    Failure,
    NoServiceAgreementError,
    Parent,
    ParentRole,
    PersonNotFoundError,
    PersonRecord,
    RegisterFaultError,
    RegisterRefusedError,
    RegisterUnavailableError,
)
from adapters.cpr.client import WSDL
from adapters.cpr.standin import NS, SOAP_ACTION
from adapters.soap import standin as soap
from hub.runtime.errors import AuthorisationError, PermanentError, TransientError
from hub.runtime.logs import configure_logging
from hub.runtime.xmlsafe import parse_xml
from tests.adapters.cpr.helpers import BASE_URL, invocation_context

INVCTX = "{http://serviceplatformen.dk/xml/schemas/InvocationContext/1/}"


def assert_says_nothing_personal(exc, *numbers):
    text = f"{exc!s} {exc!r}"
    for number in numbers:
        assert number.reveal() not in text
    assert "findes ikke" not in text  # the fault text never travels
    assert "Person med PNR" not in text
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__


class TestFound:
    async def test_child_with_joint_custody(self, client, people):
        record = await client.lookup(people.child, municipality="751")

        assert record.cpr == people.child
        assert record.name == "Alma Prøvesen"
        assert record.birth_date == dt.date(2016, 3, 14)
        assert record.address is not None
        assert (record.address.street, record.address.house_number) == ("Prøvevej", "12")
        assert (record.address.postcode, record.address.city) == ("8000", "Aarhus C")
        assert record.address.municipality_code == "751"
        assert not record.address_protected
        assert record.digital_post is True
        assert record.parents == (
            Parent(ParentRole.MOTHER, people.mother),
            Parent(ParentRole.FATHER, people.father),
        )
        assert record.custody_holders == (
            CustodyHolder(CustodyRole.MOTHER, people.mother),
            CustodyHolder(CustodyRole.FATHER, people.father),
        )

    async def test_single_custody_takes_the_mothers_number_from_mor(self, client, people):
        record = await client.lookup(people.single_custody_child, municipality="751")

        assert record.custody_holders == (CustodyHolder(CustodyRole.MOTHER, people.single_mother),)
        assert Parent(ParentRole.FATHER, people.other_father) in record.parents

    async def test_adult_without_digital_post(self, client, people):
        record = await client.lookup(people.father, municipality="751")

        assert record.digital_post is False
        assert record.parents == ()
        assert record.custody_holders == ()

    async def test_the_record_matches_the_fakes_view(self, client, people):
        records = people.records()
        assert len(records) == len(people.people) - 1  # all but the deceased
        for cpr, record in records.items():
            assert await client.lookup(cpr, municipality="461") == record

    @pytest.mark.parametrize(("sent", "expected"), [("751", "751"), ("0101", "101"), (None, None)])
    def test_the_kommunekode_is_three_digits(self, sent, expected):
        from adapters.cpr.client import _kommunekode

        assert _kommunekode(sent) == expected

    async def test_repr_shows_nothing_personal(self, client, people):
        record = await client.lookup(people.child, municipality="751")

        text = repr(record) + repr(record.address) + repr(record.parents) + str(record)
        for secret in (people.child.reveal(), people.mother.reveal(), "Alma", "Prøvevej", "8000"):
            assert secret not in text


class TestAddressProtection:
    async def test_a_protected_persons_address_never_leaves_the_adapter(
        self, client, people, standin
    ):
        record = await client.lookup(people.protected, municipality="751")

        assert b"Hemmelig Vej" in standin.sent[-1]  # the register did send it
        assert record.address_protected
        assert record.address is None
        assert "Hemmelig" not in repr(record)

    def test_a_protected_record_cannot_carry_an_address(self, people):
        address = people.people[people.mother].address
        with pytest.raises(ValueError, match="protected"):
            PersonRecord(
                cpr=people.protected,
                name="x",
                birth_date=dt.date(2000, 1, 1),
                address=address,
                address_protected=True,
                digital_post=False,
            )

    @pytest.mark.parametrize(
        ("beskyttet", "ends", "protected"),
        [
            (True, None, True),
            (None, None, True),
            (None, dt.date(2030, 1, 1), True),
            (None, dt.date(2020, 1, 1), False),
            (False, None, False),
        ],
    )
    def test_protection_holds_unless_the_register_says_it_has_ended(
        self, beskyttet, ends, protected
    ):
        from adapters.cpr.client import _protected

        entry = types.SimpleNamespace(beskyttet=beskyttet, slutdato=ends)
        assert _protected(entry, dt.date(2026, 1, 1)) is protected


class TestNotFound:
    async def test_unknown_person_is_a_business_no(self, client, people):
        with pytest.raises(PersonNotFoundError) as caught:
            await client.lookup(people.unknown, municipality="751")

        assert not isinstance(caught.value, TransientError | PermanentError | AuthorisationError)
        assert str(caught.value) == "CPR PersonLookup: SOAP fault PersonNotFound"
        assert caught.value.reason is Absence.UNKNOWN

    async def test_a_dead_person_is_not_found_as_deceased(self, client, people, standin):
        with pytest.raises(PersonNotFoundError) as caught:
            await client.lookup(people.deceased, municipality="751")

        assert b"<cpr:status>90</cpr:status>" in standin.sent[-1]
        assert caught.value.reason is Absence.DECEASED
        assert str(caught.value) == "CPR PersonLookup: person status 90"
        assert_says_nothing_personal(caught.value, people.deceased)

    async def test_fault_text_and_number_are_never_carried(self, client, people, standin):
        with pytest.raises(PersonNotFoundError) as caught:
            await client.lookup(people.unknown, municipality="751")

        assert people.unknown.reveal().encode() in standin.sent[-1]  # the fault quoted it
        assert_says_nothing_personal(caught.value, people.unknown)


class TestFailures:
    @pytest.mark.parametrize(
        "case",
        [
            (Failure.SERVER_ERROR, RegisterUnavailableError, "CPR PersonLookup: HTTP 503"),
            (
                Failure.SERVER_FAULT,
                RegisterUnavailableError,
                "CPR PersonLookup: SOAP fault ServiceUnavailable",
            ),
            (Failure.TIMEOUT, RegisterUnavailableError, "CPR PersonLookup: timeout"),
            (Failure.HTTP_FORBIDDEN, RegisterRefusedError, "CPR PersonLookup: HTTP 403"),
            (
                Failure.AUTH_FAULT,
                RegisterRefusedError,
                "CPR PersonLookup: SOAP fault InvalidServiceAgreement",
            ),
        ],
    )
    async def test_failure_is_translated(self, client, people, standin, case):
        failure, error, message = case
        standin.failure = failure

        with pytest.raises(error) as caught:
            await client.lookup(people.child, municipality="751")

        assert str(caught.value) == message
        assert_says_nothing_personal(caught.value, people.child)

    async def test_unavailable_is_transient_and_refused_is_authorisation(self):
        assert issubclass(RegisterUnavailableError, TransientError)
        assert issubclass(RegisterRefusedError, AuthorisationError)
        assert issubclass(RegisterFaultError, PermanentError)

    async def test_connection_refused_is_unavailable(self, cpr_settings, people):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        # The port is closed again: nothing listens there now.
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/", timeout=0.5) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(RegisterUnavailableError, match="no connection"):
                await client.lookup(people.child, municipality="751")

    @pytest.mark.parametrize(
        ("code", "shown"),
        [("InvalidRequest", "InvalidRequest"), ("Bad7403164123", "unrecognised")],
    )
    async def test_a_client_fault_is_permanent_and_shows_only_a_safe_code(
        self, cpr_settings, people, code, shown
    ):
        fault = soap.fault("Client", code, f"PNR {people.child.reveal()} afvist")

        def handler(_request):
            return httpx.Response(500, content=fault.body, headers={"content-type": "text/xml"})

        async with httpx.AsyncClient(
            base_url=BASE_URL, transport=httpx.MockTransport(handler)
        ) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(RegisterFaultError) as caught:
                await client.lookup(people.child, municipality="751")

        assert str(caught.value) == f"CPR PersonLookup: SOAP fault {shown}"
        assert "afvist" not in str(caught.value)
        assert_says_nothing_personal(caught.value, people.child)

    async def test_a_person_without_a_name_is_off_contract(self, cpr_settings, people):
        body = (
            b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            b'<PersonLookupResponse xmlns="' + NS.encode() + b'"><persondata>'
            b"<antalBoernUnder18>0</antalBoernUnder18></persondata>"
            b"</PersonLookupResponse></soap:Body></soap:Envelope>"
        )

        def handler(_request):
            return httpx.Response(200, content=body, headers={"content-type": "text/xml"})

        async with httpx.AsyncClient(
            base_url=BASE_URL, transport=httpx.MockTransport(handler)
        ) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(RegisterFaultError, match="off contract"):
                await client.lookup(people.child, municipality="751")

    async def test_an_answer_off_contract_is_permanent(self, cpr_settings, people):
        body = (
            b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            b'<PersonLookupResponse xmlns="' + NS.encode() + b'"><unexpected/>'
            b"</PersonLookupResponse></soap:Body></soap:Envelope>"
        )

        def handler(_request):
            return httpx.Response(200, content=body, headers={"content-type": "text/xml"})

        async with httpx.AsyncClient(
            base_url=BASE_URL, transport=httpx.MockTransport(handler)
        ) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(RegisterFaultError, match="off contract"):
                await client.lookup(people.child, municipality="751")


class TestRequest:
    async def test_every_request_carries_the_municipalitys_invocation_context(
        self, client, people, standin, cpr_settings
    ):
        await client.lookup(people.child, municipality="751")
        await client.lookup(people.child, municipality="461")

        for body, municipality in zip(standin.received, ("751", "461"), strict=True):
            context = cpr_settings.invocation_contexts[municipality]
            sent = parse_xml(body).find(f".//{INVCTX}InvocationContext")
            assert sent is not None
            assert sent.findtext(f"{INVCTX}ServiceAgreementUUID") == str(
                context.service_agreement_uuid
            )
            assert sent.findtext(f"{INVCTX}UserSystemUUID") == str(context.user_system_uuid)
            assert sent.findtext(f"{INVCTX}UserUUID") == str(context.user_uuid)
            assert sent.findtext(f"{INVCTX}ServiceUUID") == "e6be2436-bf35-4df2-83fe-925142825dc2"

    async def test_the_request_names_the_operations_soap_action_and_path(
        self, cpr_settings, people
    ):
        seen = []

        def handler(request):
            seen.append(request)
            return httpx.Response(503)

        async with httpx.AsyncClient(
            base_url="https://sp.example.invalid/prefix/", transport=httpx.MockTransport(handler)
        ) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(RegisterUnavailableError):
                await client.lookup(people.child, municipality="751")

        (request,) = seen
        assert request.method == "POST"
        assert str(request.url) == (
            "https://sp.example.invalid/prefix/service/CPR/PersonBaseDataExtended/4"
        )
        assert request.headers["soapaction"].strip('"') == SOAP_ACTION
        assert request.headers["content-type"].startswith("text/xml")

    async def test_no_agreement_for_the_municipality_sends_nothing(self, client, people, standin):
        with pytest.raises(NoServiceAgreementError) as caught:
            await client.lookup(people.child, municipality="101")

        assert isinstance(caught.value, PermanentError)
        assert standin.received == []
        assert_says_nothing_personal(caught.value, people.child)

    def test_the_wsdl_is_a_local_file(self):
        assert WSDL.is_file()


class TestCache:
    async def test_a_found_person_is_asked_once(self, client, people, standin):
        first = await client.lookup(people.child, municipality="751")
        second = await client.lookup(people.child, municipality="751")

        assert first == second
        assert len(standin.received) == 1

    async def test_the_cache_is_per_municipality_and_skips_not_found(self, client, people, standin):
        await client.lookup(people.child, municipality="751")
        await client.lookup(people.child, municipality="461")
        for _ in range(2):
            with pytest.raises(PersonNotFoundError):
                await client.lookup(people.unknown, municipality="751")

        assert len(standin.received) == 4

    async def test_a_disabled_cache_asks_every_time(self, http, people, standin):
        settings = CprSettings(
            base_url=BASE_URL, invocation_contexts={"751": invocation_context()}, cache_ttl_s=0
        )
        client = CprClient.connect(http, settings)
        await client.lookup(people.child, municipality="751")
        await client.lookup(people.child, municipality="751")

        assert len(standin.received) == 2


class TestLogging:
    def test_zeep_stays_at_info_or_above_when_the_hub_logs_debug(self):
        try:
            configure_logging("DEBUG")
            assert logging.getLogger("zeep").getEffectiveLevel() >= logging.INFO
            assert not logging.getLogger("zeep.transports").isEnabledFor(logging.DEBUG)
        finally:
            configure_logging("INFO")

    async def test_no_envelope_is_logged_at_debug(self, client, people):
        # The mask would hide the number itself, so look for the envelope: it must not be there.
        stream = io.StringIO()
        try:
            configure_logging("DEBUG", stream=stream)
            logging.getLogger("casehub.test").debug("marker")
            await client.lookup(people.child, municipality="751")
        finally:
            configure_logging("INFO")

        output = stream.getvalue()
        assert "marker" in output  # DEBUG lines do reach the stream
        assert "PersonLookupRequest" not in output
        assert "Envelope" not in output


class Endless:
    """An answer body of ``total`` bytes, made as it is read; counts what was read."""

    def __init__(self, total, chunk=1024 * 1024, head=b"<soap:Envelope>"):
        self.total, self.chunk, self.head, self.sent = total, chunk, head, 0

    async def __aiter__(self):
        yield self.head
        while self.sent < self.total:
            self.sent += self.chunk
            yield b" " * self.chunk


class TestAnswerSize:
    async def test_a_200_mb_answer_is_refused_while_it_streams(self, cpr_settings, people):
        from hub.runtime.xmlsafe import MAX_BYTES, UnsafeXmlError

        body = Endless(200 * 1024 * 1024)

        def handler(_request):
            return httpx.Response(200, content=body, headers={"content-type": "text/xml"})

        async with httpx.AsyncClient(
            base_url=BASE_URL, transport=httpx.MockTransport(handler)
        ) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(UnsafeXmlError, match="over"):
                await client.lookup(people.child, municipality="751")
        # Read up to the cap and one chunk past it, not the 200 MB.
        assert MAX_BYTES - body.chunk < body.sent <= MAX_BYTES + body.chunk

    async def test_a_declared_length_over_the_cap_is_refused_unread(self, cpr_settings, people):
        from hub.runtime.xmlsafe import MAX_BYTES, UnsafeXmlError

        body = Endless(200 * 1024 * 1024)

        def handler(_request):
            headers = {"content-type": "text/xml", "content-length": str(200 * 1024 * 1024)}
            return httpx.Response(200, content=body, headers=headers)

        async with httpx.AsyncClient(
            base_url=BASE_URL, transport=httpx.MockTransport(handler)
        ) as http:
            client = CprClient.connect(http, cpr_settings)
            with pytest.raises(UnsafeXmlError):
                await client.lookup(people.child, municipality="751")
        assert body.sent < MAX_BYTES
