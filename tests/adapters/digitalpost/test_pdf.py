"""A v1 letter's text as PDF: names in Polish, Greek and Danish come back out as written."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from typing import Any

import pytest
from pypdf import PdfReader

from adapters.digitalpost.pdf import text_pdf

NAMES = ("Łukasz Wiśniewski", "Γιώργος Παπαδόπουλος", "Søren Ærø Åse Bøgelund")


CREATED = dt.datetime(2027, 1, 4, 9, 30, tzinfo=dt.UTC)


def _pdf(title: str, body: str) -> bytes:
    return text_pdf(title, body, CREATED)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_polish_greek_and_danish_names_survive_into_the_pdf():
    body = "\n".join(f"Kære {name}," for name in NAMES)
    text = _text(_pdf("Afgørelse til Łukasz Wiśniewski", body))
    for name in NAMES:
        assert name in text
    assert "Afgørelse til Łukasz Wiśniewski" in text
    assert "?" not in text


def test_the_font_is_embedded():
    reader = PdfReader(io.BytesIO(_pdf("Titel", "Tekst")))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = [f.get_object() for f in resources["/Font"].values()]
    embedded = [
        d.get_object()["/FontDescriptor"].get_object()
        for font in fonts
        for d in font.get("/DescendantFonts", [])
    ]
    assert embedded, "a Type0 (Unicode) font"
    assert all("/FontFile2" in descriptor for descriptor in embedded)


def test_a_long_text_runs_onto_more_pages():
    body = "\n".join(f"Linje {n} med æøå" for n in range(200))
    reader = PdfReader(io.BytesIO(_pdf("Titel", body)))
    assert len(reader.pages) > 1
    assert "Linje 199 med æøå" in _text(_pdf("Titel", body))


def test_a_character_the_font_lacks_is_never_logged(caplog: pytest.LogCaptureFixture):
    # fpdf2 logs the glyphs a font lacks, quoting them; they come from a person's letter.
    with caplog.at_level(logging.DEBUG):
        _pdf("Brev", "Hej Łukasz \U0001f600")
    assert not [r for r in caplog.records if "\U0001f600" in r.getMessage()]
    assert not [r for r in caplog.records if r.name.startswith("fpdf.output")]


def test_one_letter_renders_to_the_same_bytes_whenever_it_is_rendered():
    # the creation date is the letter's, not the clock's: a redelivered letter is the same PDF
    first = _pdf("Titel", "Tekst")
    time.sleep(1.1)
    assert _pdf("Titel", "Tekst") == first
