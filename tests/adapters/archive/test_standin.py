"""The SF1470 stand-in itself: hardened request parsing, protocol checks, served on loopback."""

import httpx
import pytest

from adapters.archive import (
    ArchiveClient,
    ArchiveSettings,
    ArchiveStandin,
    ArchiveUnavailableError,
    Failure,
)
from adapters.archive.standin import ENTITY_BOMB, SOAP_PATH, XXE_PAYLOAD
from hub.runtime.serve import serving
from tests.adapters.archive.helpers import CHILD_CPR, agreement, new_case

ACTION = "http://kombit.dk/sts/sagdokumentindeks/fremsoeg"


@pytest.mark.parametrize("payload", [XXE_PAYLOAD, ENTITY_BOMB])
async def test_request_with_a_dtd_is_refused_unread(payload):
    standin = ArchiveStandin()
    reply = await standin.answer(payload, ACTION)
    assert reply.status == 500
    assert b"InvalidRequest" in reply.body
    assert b"root:" not in reply.body
    assert b"lollol" not in reply.body


async def test_request_without_header_or_with_an_unknown_action_is_a_fault(client, standin):
    await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
    good = standin.received[-1]
    headerless = good.replace(b"RequestHeader", b"OtherHeader")
    assert b"InvalidRequest" in (await standin.answer(headerless, ACTION)).body
    assert b"InvalidSoapAction" in (await standin.answer(good, "urn:nothing")).body
    importer = "http://kombit.dk/sts/sagdokumentindeks/importer"
    assert b"InvalidRequest" in (await standin.answer(good, importer)).body


async def test_served_on_loopback_it_answers_a_real_client():
    standin = ArchiveStandin()
    async with serving(standin.asgi()) as url, httpx.AsyncClient(base_url=url) as http:
        client = ArchiveClient.connect(
            http, ArchiveSettings(base_url=url, agreements={"751": agreement()})
        )
        case = await client.create_case(municipality="751", case=new_case())
        found = await client.find_case(municipality="751", kle=case.kle, party=CHILD_CPR)
    assert found == case
    assert len(standin.received) == 2


async def test_timeout_on_a_real_socket_is_unavailable():
    standin = ArchiveStandin(delay_s=1.0)
    standin.failure = Failure.TIMEOUT
    async with serving(standin.asgi()) as url:
        settings = ArchiveSettings(base_url=url, agreements={"751": agreement()}, timeout_s=0.2)
        http = settings.http_client()  # the settings' timeout, on a real socket
        client = ArchiveClient.connect(http, settings)
        with pytest.raises(ArchiveUnavailableError, match="timeout"):
            await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
        await http.aclose()


def test_repr_counts_only():
    standin = ArchiveStandin()
    standin.add_case("27.24.03", CHILD_CPR)
    assert repr(standin) == "ArchiveStandin(failure=none, cases=1, filings=0)"
    assert CHILD_CPR.reveal() not in repr(next(iter(standin.cases.values())))
    assert SOAP_PATH == "/sts-soap-sagdok/sagdokumentindeks/6"


def test_command_line_options():
    from adapters.archive.__main__ import options

    args = options(["--port", "9001", "--failure", "server-fault"])
    assert (args.port, args.failure, args.host) == (9001, "server-fault", "127.0.0.1")
