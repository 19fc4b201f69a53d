"""The archive adapter against the official SF1470 SagDokumentIndeks v6 schemas.

Every request the client sends and every answer the stand-in gives is validated against the
official XSDs in the shared reference folder (``tests/reference.py``), never copied here.
"""

import copy

import pytest
from lxml import etree

from adapters.archive import ArchiveRefusedError, Failure, sagdok
from hub.runtime.xmlsafe import parse_xml, safe_parser
from tests.adapters.archive.helpers import CHILD_CPR, document, new_case, note
from tests.reference import require_reference

SAGDOK = (
    "sags-dokumentindeks-sf1470",
    "kombit-kosdy_infrastructureSamples-java",
    "src",
    "main",
    "resources",
    "wsdl",
    "SagDokumentIndeks",
)
SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


def _schema(*parts):
    path = require_reference(*SAGDOK, *parts)
    return etree.XMLSchema(etree.parse(str(path), parser=safe_parser()))


@pytest.fixture(scope="module")
def operations():
    return _schema("wsdl", "xsd", "6.0.STS-0", "SagDokumentIndeksOperationer.xsd")


@pytest.fixture(scope="module")
def request_header():
    return _schema("wsdl", "xsd", "common", "RequestHeader.xsd")


@pytest.fixture(scope="module")
def fault_schema():
    return _schema("sp", "ServiceplatformFault_1.xsd")


def part(envelope: bytes, where: str):
    """The one element inside soap:Header or soap:Body, as a document of its own."""
    root = parse_xml(envelope)
    holder = root.find(f"{SOAP_ENV}{where}")
    assert holder is not None
    (content,) = list(holder)
    return etree.ElementTree(copy.deepcopy(content))


def assert_valid(schema, document_tree):
    assert schema.validate(document_tree), [str(e) for e in schema.error_log]


async def _full_story(client):
    """Search (none), create, file a document and a note, search (found), file again."""
    assert await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR) is None
    case = await client.create_case(municipality="751", case=new_case())
    entry = document()
    await client.file(municipality="751", case=case, entry=entry)
    await client.file(municipality="751", case=case, entry=note())
    assert await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR) == case
    assert (await client.file(municipality="751", case=case, entry=entry)).duplicate


async def test_every_request_body_is_valid(client, standin, operations):
    await _full_story(client)
    tags = [part(body, "Body").getroot().tag for body in standin.received]
    assert len(tags) == 8
    assert {tag.rpartition("}")[2] for tag in tags} == {
        "FremsoegSagDokumentIndeksInput",
        "ImporterSagDokumentIndeksInput",
        "OpdaterSagDokumentIndeksInput",
    }
    for body in standin.received:
        assert_valid(operations, part(body, "Body"))


async def test_every_request_carries_a_valid_request_header(client, standin, request_header):
    await _full_story(client)
    for body in standin.received:
        assert_valid(request_header, part(body, "Header"))


async def test_every_standin_answer_is_valid(client, standin, operations):
    await _full_story(client)
    standin.add_case("27.24.00", CHILD_CPR)
    await client.find_case(municipality="751", kle="27.24.00", party=CHILD_CPR)
    for body in standin.sent:
        assert_valid(operations, part(body, "Body"))


async def test_standin_faults_are_valid(client, standin, fault_schema):
    standin.failure = Failure.AUTH_FAULT
    with pytest.raises(ArchiveRefusedError):
        await client.find_case(municipality="751", kle="27.24.03", party=CHILD_CPR)
    fault = parse_xml(standin.sent[-1]).find(f"{SOAP_ENV}Body/{SOAP_ENV}Fault/detail")
    assert fault is not None
    (detail,) = list(fault)
    assert_valid(fault_schema, etree.ElementTree(copy.deepcopy(detail)))


def test_the_schema_has_teeth(operations):
    """A request out of the official element order is refused, so the tests above can fail."""
    body = sagdok.search_case("27.24.03", CHILD_CPR.reveal())
    search = body[0][0]
    search.append(search[0])  # move MaksimalAntalKvantitet after RelationListe
    assert not operations.validate(etree.ElementTree(body))
