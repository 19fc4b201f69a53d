"""The archive client through the wire-level SF1470 stand-in: zeep's parsing, our error mapping."""

import uuid

import httpx
import pytest

from adapters.archive import (
    ArchiveCase,
    ArchiveClient,
    ArchiveFaultError,
    ArchiveRefusedError,
    ArchiveSettings,
    ArchiveUnavailableError,
    Failure,
    NoServiceAgreementError,
    OperationFailure,
)
from hub.runtime.errors import AuthorisationError, PermanentError, TransientError, UnavailableError
from hub.runtime.xmlsafe import UnsafeXmlError
from tests.adapters.archive.helpers import (
    BASE_URL,
    CHILD_CPR,
    OTHER_CPR,
    agreement,
    document,
    new_case,
    note,
)


def assert_says_nothing_personal(exc):
    text = f"{exc!s} {exc!r}"
    assert CHILD_CPR.reveal() not in text
    assert "Ugyldig reference" not in text  # the fault text never travels
    assert "Alma" not in text
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__


class TestCases:
    async def test_existing_case_is_found_by_kle_and_party(self, client, standin):
        held = standin.add_case("27.24.03", CHILD_CPR, number="27.24.03-G01-42-26")
        standin.add_case("27.24.03", OTHER_CPR)
        standin.add_case("27.24.00", CHILD_CPR)

        found = await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)

        assert found == ArchiveCase(held.case_id, "27.24.03-G01-42-26", "27.24.03")

    async def test_no_case_is_none(self, client, standin):
        standin.add_case("27.24.03", OTHER_CPR)
        assert await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR) is None

    async def test_created_case_is_then_found(self, client, standin):
        case = new_case()

        created = await client.create_case(municipality="751", case=case)
        found = await client.find_case(municipality="751", kle=case.kle, party=CHILD_CPR)

        assert created == found == ArchiveCase(case.case_id, case.case_number, case.kle)
        assert standin.cases[case.case_id].party == CHILD_CPR.reveal()

    async def test_creating_the_same_case_twice_keeps_one(self, client, standin):
        case = new_case()
        first = await client.create_case(municipality="751", case=case)
        second = await client.create_case(municipality="751", case=case)
        assert first == second
        assert list(standin.cases) == [case.case_id]


class TestFiling:
    async def test_document_is_indexed_and_posted_on_the_case(self, client, standin):
        case = await client.create_case(municipality="751", case=new_case())
        entry = document()

        filing = await client.file(municipality="751", case=case, entry=entry)

        assert filing.document_id == entry.entry_id
        assert not filing.duplicate
        assert entry.entry_id in standin.documents
        (filed,) = standin.filings
        assert (filed.case_id, filed.reference, filed.note) == (
            case.case_id,
            str(entry.entry_id),
            False,
        )

    async def test_journal_note_is_posted_on_the_case(self, client, standin):
        case = await client.create_case(municipality="751", case=new_case(kle="27.24.00"))
        entry = note()

        filing = await client.file(municipality="751", case=case, entry=entry)

        assert not filing.duplicate
        (filed,) = standin.filings
        assert (filed.post, filed.reference, filed.note) == (
            str(entry.entry_id),
            "URN:Empty",
            True,
        )
        assert not standin.documents

    @pytest.mark.parametrize("make", [document, note])
    async def test_second_filing_with_the_same_id_is_recognised(self, client, standin, make):
        case = await client.create_case(municipality="751", case=new_case())
        entry = make()

        await client.file(municipality="751", case=case, entry=entry)
        again = await client.file(municipality="751", case=case, entry=entry)

        assert again.duplicate
        assert again.document_id == entry.entry_id
        assert len(standin.filings) == 1

    async def test_filing_on_an_unknown_case_is_rejected(self, client):
        ghost = ArchiveCase(uuid.uuid4(), "27.24.03-G01-1-26", "27.24.03")
        with pytest.raises(ArchiveFaultError, match="status 44") as caught:
            await client.file(municipality="751", case=ghost, entry=document())
        assert_says_nothing_personal(caught.value)


class TestFailures:
    async def test_no_agreement_sends_nothing(self, client, standin):
        with pytest.raises(NoServiceAgreementError):
            await client.find_case(municipality="101", kle="27.24.03", party=CHILD_CPR)
        assert standin.received == []

    async def test_timeout_is_unavailable(self, client, standin):
        standin.failure = Failure.TIMEOUT
        with pytest.raises(ArchiveUnavailableError, match="timeout") as caught:
            await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
        assert isinstance(caught.value, UnavailableError)
        assert_says_nothing_personal(caught.value)

    async def test_server_error_is_unavailable(self, client, standin):
        standin.failure = Failure.SERVER_ERROR
        with pytest.raises(ArchiveUnavailableError, match="HTTP 503") as caught:
            await client.create_case(municipality="751", case=new_case())
        assert isinstance(caught.value, TransientError)
        assert_says_nothing_personal(caught.value)

    async def test_server_fault_is_unavailable(self, client, standin):
        standin.failure = Failure.SERVER_FAULT
        with pytest.raises(ArchiveUnavailableError, match="SOAP fault ServiceUnavailable"):
            await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)

    async def test_http_forbidden_is_refused(self, client, standin):
        standin.failure = Failure.HTTP_FORBIDDEN
        with pytest.raises(ArchiveRefusedError, match="HTTP 403") as caught:
            await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
        assert isinstance(caught.value, AuthorisationError)

    async def test_agreement_fault_is_refused(self, client, standin):
        standin.failure = Failure.AUTH_FAULT
        with pytest.raises(ArchiveRefusedError, match="InvalidServiceAgreement"):
            await client.create_case(municipality="751", case=new_case())

    async def test_client_fault_is_permanent_and_its_text_never_travels(self, client, standin):
        standin.failure = OperationFailure.CLIENT_FAULT
        with pytest.raises(ArchiveFaultError, match="SOAP fault InvalidInput") as caught:
            await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
        assert isinstance(caught.value, PermanentError)
        assert CHILD_CPR.reveal().encode() in standin.sent[-1]  # the fault did quote it
        assert_says_nothing_personal(caught.value)

    async def test_rejected_status_is_permanent(self, client, standin):
        standin.failure = OperationFailure.REJECTED
        case = ArchiveCase(uuid.uuid4(), "27.24.03-G01-1-26", "27.24.03")
        with pytest.raises(ArchiveFaultError, match="status 40") as caught:
            await client.file(municipality="751", case=case, entry=note())
        assert_says_nothing_personal(caught.value)

    @pytest.mark.parametrize("failure", [Failure.XXE, Failure.ENTITY_BOMB])
    async def test_dtd_in_the_answer_is_refused_unread(self, client, standin, failure):
        standin.failure = failure
        with pytest.raises(UnsafeXmlError):
            await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)

    async def test_no_connection_is_unavailable(self, archive_settings):
        def refuse(request):
            raise httpx.ConnectError("refused", request=request)

        transport = httpx.MockTransport(refuse)
        async with httpx.AsyncClient(base_url=BASE_URL, transport=transport) as http:
            client = ArchiveClient.connect(http, archive_settings)
            with pytest.raises(ArchiveUnavailableError, match="no connection"):
                await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)

    async def test_repr_names_no_one(self, client):
        assert repr(client) == "ArchiveClient(municipalities=2)"


def test_settings_refuse_an_unknown_municipality():
    with pytest.raises(ValueError, match="unknown kommunekode"):
        ArchiveSettings(base_url=BASE_URL, agreements={"999": agreement()})


def test_entries_keep_personal_fields_out_of_repr():
    text = repr(document()) + repr(note()) + repr(new_case())
    assert CHILD_CPR.reveal() not in text
    assert "Alma" not in text


async def test_a_municipality_with_its_own_endpoint_is_called_there(standin):
    own = agreement().model_copy(update={"endpoint": "https://esdh.461.invalid/sdi"})
    settings = ArchiveSettings(base_url=BASE_URL, agreements={"751": agreement(), "461": own})
    seen = []
    inner = standin.transport()

    async def spy(request):
        seen.append(str(request.url))
        return await inner.handle_async_request(request)

    async with httpx.AsyncClient(base_url=BASE_URL, transport=httpx.MockTransport(spy)) as http:
        client = ArchiveClient.connect(http, settings)
        await client.find_case(municipality="461", kle="27.24.03", party=CHILD_CPR)
        await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
    assert seen == [
        "https://esdh.461.invalid/sdi",
        "https://sagdok.standin.invalid/sts-soap-sagdok/sagdokumentindeks/6",
    ]
