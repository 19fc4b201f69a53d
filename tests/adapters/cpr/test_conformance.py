"""The CPR adapter against the official SF1520 v4 schemas: our requests and the stand-in's answers.

The schemas are read from the shared reference folder (``tests/reference.py``), never copied
into the repo. The official Types XSD uses the PNR type without importing its namespace, so a
temporary copy gets the one-line import that ``cpr-sf1520/NOTES.md`` describes.
"""

import copy
import shutil

import httpx
import pytest
from lxml import etree

from adapters.cpr import CprClient, Failure, PersonNotFoundError
from hub.runtime.xmlsafe import parse_xml, safe_parser
from tests.adapters.cpr.helpers import BASE_URL
from tests.reference import require_reference

CONTRACT = ("cpr-sf1520", "itk-dev-serviceplatformen", "person-base-data-extended-service-contract")
SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"
NS = "{http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/}"
PNR_IMPORT = (
    '<xsd:import namespace="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/" '
    'schemaLocation="../sp/PNR_1.xsd"/>'
)


def _load_schema(path):
    return etree.XMLSchema(etree.parse(str(path), parser=safe_parser()))


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    """The official message schema, compiled from a patched temporary copy."""
    source = require_reference(*CONTRACT)
    copied = tmp_path_factory.mktemp("sf1520") / "contract"
    shutil.copytree(source, copied)
    types = copied / "xsd" / "PersonBaseDataExtendedServiceTypes.xsd"
    text = types.read_text(encoding="utf-8")
    opening = text.index(">", text.index("<xsd:schema")) + 1
    types.write_text(text[:opening] + "\n    " + PNR_IMPORT + text[opening:], encoding="utf-8")
    return _load_schema(copied / "PersonBaseDataExtendedServiceMsg.xsd")


@pytest.fixture(scope="module")
def official_fault():
    return _load_schema(require_reference(*CONTRACT, "sp", "ServiceplatformFault_1.xsd"))


def body_content(envelope: bytes):
    """The element inside soap:Body, as a document of its own."""
    root = parse_xml(envelope)
    assert root.tag == f"{SOAP_ENV}Envelope"
    body = root.find(f"{SOAP_ENV}Body")
    assert body is not None
    (content,) = list(body)
    return etree.ElementTree(copy.deepcopy(content))


def assert_valid(schema, document):
    if not schema.validate(document):
        pytest.fail("\n".join(str(error) for error in schema.error_log))


def test_the_patched_schema_declares_both_messages(official):
    # A schema that validated nothing would make the tests below vacuous.
    invalid = etree.ElementTree(etree.fromstring(f"<r:PersonLookupRequest xmlns:r='{NS[1:-1]}'/>"))
    assert not official.validate(invalid)


async def test_every_request_the_client_sends_validates(official, client, people, standin):
    for cpr in [*people.people, people.unknown]:
        try:
            await client.lookup(cpr, municipality="751")
        except PersonNotFoundError:
            assert cpr in {people.unknown, people.deceased}
    await client.lookup(people.child, municipality="461")

    assert len(standin.received) == len(people.people) + 2
    for request in standin.received:
        document = body_content(request)
        assert document.getroot().tag == f"{NS}PersonLookupRequest"
        assert_valid(official, document)


async def test_a_request_captured_through_a_plain_mock_transport_validates(
    official, cpr_settings, people
):
    captured = []

    def handler(request):
        captured.append(request.content)
        return httpx.Response(503)

    async with httpx.AsyncClient(base_url=BASE_URL, transport=httpx.MockTransport(handler)) as http:
        client = CprClient.connect(http, cpr_settings)
        with pytest.raises(Exception):  # noqa: B017, PT011 - only the request matters here
            await client.lookup(people.protected, municipality="461")

    (request,) = captured
    assert_valid(official, body_content(request))


async def test_every_answer_of_the_standin_validates(official, client, people, standin):
    for cpr in people.people:
        try:
            await client.lookup(cpr, municipality="751")
        except PersonNotFoundError:
            assert cpr == people.deceased

    assert len(standin.sent) == len(people.people)
    for answer in standin.sent:
        document = body_content(answer)
        assert document.getroot().tag == f"{NS}PersonLookupResponse"
        assert_valid(official, document)


@pytest.mark.parametrize("failure", [Failure.NONE, Failure.SERVER_FAULT, Failure.AUTH_FAULT])
async def test_the_standins_fault_details_validate(
    official_fault, client, people, standin, failure
):
    standin.failure = failure
    with pytest.raises(Exception):  # noqa: B017, PT011 - the fault on the wire is what counts
        await client.lookup(people.unknown, municipality="751")

    fault = parse_xml(standin.sent[-1]).find(f"{SOAP_ENV}Body/{SOAP_ENV}Fault")
    assert fault is not None
    assert fault.findtext("faultcode") in {"soap:Client", "soap:Server"}
    detail = fault.find("detail")
    assert detail is not None
    (content,) = list(detail)
    assert_valid(official_fault, etree.ElementTree(copy.deepcopy(content)))
