"""Malicious XML (external entities, entity bombs) is refused: inbound, and from the register."""

import pytest
from lxml import etree

from adapters.cpr import Failure
from adapters.cpr.standin import ENTITY_BOMB, SOAP_ACTION, XXE_PAYLOAD
from hub.runtime.errors import PermanentError
from hub.runtime.xmlsafe import (
    ZEEP_SETTINGS,
    MalformedXmlError,
    UnsafeXmlError,
    parse_xml,
    safe_parser,
)

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<r>&secret;</r>"""
XXE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY remote SYSTEM "http://127.0.0.1:9/evil">]>
<r>&remote;</r>"""
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>'
SMALL_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<r>&b;</r>"""
MALICIOUS = {
    "xxe-file": XXE_FILE,
    "xxe-network": XXE_NETWORK,
    "external-dtd": EXTERNAL_DTD,
    "small-bomb": SMALL_BOMB,
    "billion-laughs": ENTITY_BOMB,
    "xxe-soap": XXE_PAYLOAD,
}


class TestParserFactory:
    def test_the_parser_is_configured_hardened(self):
        # lxml exposes no getters for these options; what the parser does is tested below.
        assert isinstance(safe_parser(), etree.XMLParser)
        assert ZEEP_SETTINGS == {
            "strict": True,
            "xml_huge_tree": False,
            "forbid_dtd": True,
            "forbid_entities": True,
            "forbid_external": True,
        }

    @pytest.mark.parametrize("document", MALICIOUS.values(), ids=MALICIOUS.keys())
    def test_an_inbound_document_with_a_dtd_is_refused(self, document):
        with pytest.raises(UnsafeXmlError) as caught:
            parse_xml(document)

        assert isinstance(caught.value, PermanentError)
        assert str(caught.value) == "XML with a DTD refused"
        assert caught.value.__cause__ is None

    def test_the_bare_parser_neither_expands_nor_fetches(self):
        # Even without parse_xml's DTD check, the factory's parser resolves nothing.
        root = etree.fromstring(XXE_FILE, parser=safe_parser())
        assert root.text is None or "lol" not in root.text
        assert etree.tostring(root) in {b"<r>&secret;</r>", b"<r/>"}
        bomb = etree.fromstring(SMALL_BOMB, parser=safe_parser())
        assert b"lol" not in etree.tostring(bomb)

    def test_malformed_xml_is_refused_without_quoting_it(self):
        with pytest.raises(MalformedXmlError) as caught:
            parse_xml(b"<r><secret>7403164123</r>")

        assert str(caught.value) == "not well-formed XML"
        assert "7403164123" not in repr(caught.value)
        assert caught.value.__cause__ is None

    def test_a_plain_document_parses(self):
        assert parse_xml(b"<r><a>1</a></r>").findtext("a") == "1"

    def test_a_deeply_nested_document_is_refused(self):
        depth = 300_000  # beyond libxml2's nesting limit without huge_tree
        with pytest.raises(MalformedXmlError):
            parse_xml(b"<a>" * depth + b"</a>" * depth)


class TestFromTheRegister:
    @pytest.mark.parametrize("failure", [Failure.XXE, Failure.ENTITY_BOMB])
    async def test_a_malicious_answer_is_refused_through_the_real_client(
        self, client, people, standin, failure
    ):
        standin.failure = failure

        with pytest.raises(UnsafeXmlError) as caught:
            await client.lookup(people.child, municipality="751")

        assert isinstance(caught.value, PermanentError)
        assert "DTD" in str(caught.value)
        assert "lol" not in str(caught.value)
        assert "passwd" not in str(caught.value)
        assert caught.value.__cause__ is None


class TestIntoTheStandin:
    @pytest.mark.parametrize("document", [XXE_FILE, ENTITY_BOMB], ids=["xxe", "bomb"])
    async def test_the_standin_refuses_a_malicious_request(self, http, standin, document):
        reply = await http.post(
            "service/CPR/PersonBaseDataExtended/4",
            content=document,
            headers={"soapaction": SOAP_ACTION, "content-type": "text/xml"},
        )

        assert standin.received == [document]
        assert reply.status_code == 500
        assert b"InvalidRequest" in reply.content
        assert b"lol" not in reply.content
