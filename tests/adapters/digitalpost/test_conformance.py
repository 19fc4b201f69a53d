"""Every MeMo message the builder makes validates against the official MeMo 1.2 schema."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from adapters.digitalpost import KombiChoice, Letter, build_message, render
from adapters.digitalpost.client import kombi_request
from tests.adapters.digitalpost.letters import letter, letters
from tests.reference import reference_dir

MEMO = Path("memo")
SCHEMA_12 = MEMO / "mortenm12-memo" / "Version1.2" / "MeMo_core.xsd"
SAMPLES_12 = MEMO / "python-serviceplatformen" / "samples"
SAMPLES_11 = MEMO / "python-serviceplatformen" / "samples_memo1.1_official"


def _read(path: Path) -> etree._ElementTree:
    # Reference files are trusted, but read them the same guarded way.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser)


@functools.cache
def _schema_at(folder: Path) -> etree.XMLSchema:
    return etree.XMLSchema(_read(folder / SCHEMA_12))


def memo_12() -> etree.XMLSchema:
    return _schema_at(reference_dir())


def _errors(schema: etree.XMLSchema, document: etree._Element) -> list[str]:
    schema.validate(document)
    return [f"{e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]


def test_the_official_12_samples_validate_so_the_schema_is_the_right_one():
    schema = memo_12()
    samples = sorted((reference_dir() / SAMPLES_12).glob("*.xml"))
    assert len(samples) == 4
    for sample in samples:
        assert _errors(schema, _read(sample).getroot()) == [], sample.name


def test_a_11_message_fails_the_12_schema_so_validation_can_fail():
    schema = memo_12()
    sample = reference_dir() / SAMPLES_11 / "MeMo_Minimum_Example.xml"
    assert _errors(schema, _read(sample).getroot()) != []


def test_a_plain_letter_validates():
    assert _errors(memo_12(), build_message(letter())) == []


def test_the_rendered_bytes_validate_too():
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    assert _errors(memo_12(), etree.fromstring(render(letter()), parser)) == []


def test_a_broken_message_is_caught_by_the_schema():
    message = build_message(letter())
    header = message[0]
    header.remove(header[1])  # drop messageUUID
    assert _errors(memo_12(), message) != []


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return memo_12()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(letters())
def test_every_generated_letter_validates(schema: etree.XMLSchema, generated: Letter):
    assert _errors(schema, build_message(generated)) == []


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(letters())
def test_the_message_inside_the_kombi_request_validates(schema: etree.XMLSchema, generated: Letter):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    body = etree.fromstring(kombi_request(generated, KombiChoice.AUTOMATIC), parser)
    [message] = body.findall("{https://DigitalPost.dk/MeMo-1}Message")
    assert _errors(schema, message) == []
