"""A letter's text as a PDF: fpdf2 with the Noto Sans font embedded (from its own package).

Digital Post carries documents, not text; a v1 ``LetterRequested`` carries the text. fpdf2
embeds a subset of Noto Sans (``fontpkg-noto-sans``), so Polish, Greek and Danish names
come out as written, on any reader, without a font installed on the machine.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib.resources import files
from typing import Final

from fpdf import FPDF

__all__ = ["text_pdf"]

_FONT: Final = files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"
_FAMILY: Final = "NotoSans"

# fpdf2 logs the characters the font has no glyph for, quoting them: those come from a
# letter's text (a name), which never goes to a log. Only its errors are let through.
logging.getLogger("fpdf").setLevel(logging.ERROR)


def text_pdf(title: str, body: str, created: dt.datetime) -> bytes:
    """Render ``title`` and ``body`` as an A4 PDF document (pages as the text needs).

    ``created`` is the PDF's creation date (the letter's event time, not the clock), so one
    letter renders to the same bytes on every delivery.
    """
    pdf = FPDF(format="A4")
    pdf.set_creation_date(created)
    pdf.set_creator("casehub")
    pdf.add_font(_FAMILY, fname=str(_FONT))
    pdf.add_page()
    pdf.set_font(_FAMILY, size=14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(_FAMILY, size=10)
    pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
