"""xmlsafe.parse_xml refuses DOCTYPEs (in any encoding), entities and oversized input."""

from __future__ import annotations

import pytest

from hub.runtime.xmlsafe import MalformedXmlError, UnsafeXmlError, parse_xml
from tests.adapters.digitalpost.payloads import BOMB, XXE, XXE_UTF16
from tests.people import MOTHER


@pytest.mark.parametrize("payload", [XXE, BOMB, XXE_UTF16], ids=["xxe", "bomb", "xxe-utf16"])
def test_hostile_documents_are_refused(payload):
    with pytest.raises(UnsafeXmlError, match="DTD"):
        parse_xml(payload)


def test_a_bare_entity_reference_without_doctype_is_not_well_formed():
    with pytest.raises(MalformedXmlError):
        parse_xml(b"<a>&xxe;</a>")


def test_oversized_input_is_refused_unread():
    with pytest.raises(UnsafeXmlError, match="over 10 bytes"):
        parse_xml(b"<a>0123456789</a>", max_bytes=10)


def test_the_error_does_not_quote_the_document():
    with pytest.raises(MalformedXmlError) as caught:
        parse_xml(f"<secret>{MOTHER}".encode())
    assert MOTHER not in str(caught.value)
    assert caught.value.__suppress_context__


def test_plain_xml_is_parsed():
    assert parse_xml("<a><b>æøå</b></a>".encode()).findtext("b") == "æøå"
