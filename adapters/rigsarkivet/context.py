"""The context documentation: the system, the tables and the code lists, described and rendered.

Each document is written as text, laid out as a PDF with fpdf2 and rendered to TIFF like
every other document, into ``ContextDocumentation/docCollection1/<documentID>/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from fpdf import FPDF

from adapters.rigsarkivet.indices import ArchiveDescription, ContextDocument
from adapters.rigsarkivet.schema import Table
from adapters.rigsarkivet.tables import CODE_LISTS
from adapters.rigsarkivet.tiff import pdf_to_tiffs

__all__ = ["context_documents", "write_context_documentation"]

_SYSTEM_FLAGS: Final = (
    "systemPurpose",
    "systemRegulations",
    "systemContent",
    "systemAdministrativeFunctions",
    "systemPresentationStructure",
    "systemDataProvision",
    "systemDataTransfer",
    "systemPreviousSubsequentFunctions",
    "systemAgencyQualityControl",
    "systemPublication",
    "systemInformationOther",
)


def _flags(*true: str) -> dict[str, bool]:
    return {flag: flag in true for flag in _SYSTEM_FLAGS}


def context_documents(
    about: ArchiveDescription, tables: Sequence[Table], today: dt.date
) -> Iterator[tuple[ContextDocument, list[str]]]:
    """Each context document with its text (paragraphs) for rendering."""
    yield (
        ContextDocument(
            1,
            "Systembeskrivelse",
            "Systemets formål, indhold og hvordan arkiveringsversionen er dannet.",
            today,
            "systemInformation",
            _flags("systemPurpose", "systemContent", "systemAdministrativeFunctions"),
        ),
        [
            f"Arkiveringsversion {about.avid} fra {about.system_name}.",
            f"Arkivskaber: {about.creator}. Periode: {about.period_start} til {about.period_end}.",
            f"Formål: {about.purpose}",
            f"Indhold: {about.content}",
            (
                "Versionen er dannet af hubbens hændelser (CloudEvents) for kommunens emner: "
                "hver hændelse er en række i tabellen journal; afgørelser, dokumenter, frister "
                "og lukninger har hver deres tabel med fremmednøgle til journal og cases."
            ),
            (
                "Dokumenter er konverteret fra PDF til TIFF (sort-hvid CCITT G4, ellers LZW), "
                "én fil pr. side. Koder står i egne kodetabeller (code_*)."
            ),
        ],
    )
    yield (
        ContextDocument(
            2,
            "Tabelbeskrivelse",
            "Hver tabel og kolonne: indhold, type og nøgler.",
            today,
            "systemInformation",
            _flags("systemContent", "systemPresentationStructure"),
        ),
        list(_describe_tables(tables)),
    )
    yield (
        ContextDocument(
            3,
            "Kodelister",
            "Hver kodeliste med koder og deres betydning.",
            today,
            "systemInformation",
            _flags("systemContent"),
        ),
        [
            f"{name}: {description} "
            + "; ".join(f"{code} = {meaning}" for code, meaning in codes.items())
            for name, (description, codes) in CODE_LISTS.items()
        ],
    )


def _describe_tables(tables: Sequence[Table]) -> Iterator[str]:
    for number, table in enumerate(tables, start=1):
        keys = ", ".join(table.primary_key)
        yield f"table{number} {table.name}: {table.description} Primærnøgle: {keys}."
        for column in table.columns:
            null = ", kan være NULL" if column.nullable else ""
            yield f"    {column.name} ({column.sql_type}{null}): {column.description}"
        for foreign in table.foreign_keys:
            yield f"    Fremmednøgle {', '.join(foreign.columns)} -> {foreign.table}."


def _pdf(title: str, paragraphs: Sequence[str]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    # The core font covers Latin-1 (æ, ø, å, §); anything else becomes "?".
    return text.encode("latin-1", "replace").decode("latin-1")


def write_context_documentation(
    root: Path, about: ArchiveDescription, tables: Sequence[Table], today: dt.date
) -> list[ContextDocument]:
    """Render every context document to ``root/docCollection1/<id>/``; return their entries."""
    collection = root / "docCollection1"
    collection.mkdir(parents=True)
    written = []
    for document, paragraphs in context_documents(about, tables, today):
        folder = collection / str(document.document_id)
        folder.mkdir()
        pdf_to_tiffs(_pdf(document.title, paragraphs), folder)
        written.append(document)
    return written
