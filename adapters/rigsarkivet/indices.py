"""The index files: ``tableIndex``, ``archiveIndex``, ``contextDocumentationIndex``, ``docIndex``.

``fileIndex.xml`` is written last, by ``fileindex``. Element order and names follow the
XSDs in ``Schemas/standard/`` (tableIndex 0.9.3, docIndex 0.8.3, archiveIndex 0.9.6 and
contextDocumentationIndex 0.9.5 of BKG 128).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

from adapters.rigsarkivet.schema import Table
from adapters.rigsarkivet.xmlstream import DIARK, XmlWriter, leaf, streamed

__all__ = [
    "ArchiveDescription",
    "ContextDocument",
    "DocIndex",
    "doc_index",
    "write_archive_index",
    "write_context_index",
    "write_table_index",
]

_SCHEMA: Final = "../Schemas/standard/{}.xsd"


def write_table_index(path: Path, tables: Iterable[tuple[Table, str, int]], db_name: str) -> None:
    """``tableIndex.xml``: every table with its folder, columns, keys and row count."""
    entries = list(tables)  # a few dozen tables; their rows are in the table files
    keys = {table.name: table.primary_key for table, _, _ in entries}
    with streamed(path, "siardDiark", DIARK, _SCHEMA.format("tableIndex")) as xf:
        for name, text in (("version", "1.0"), ("dbName", db_name), ("databaseProduct", "casehub")):
            xf.write(_element(name, text))
        tables_element = etree.Element("tables")
        for table, folder, rows in entries:
            tables_element.append(_table(table, folder, rows, keys))
        xf.write(tables_element)


def _element(name: str, text: str) -> etree._Element:
    element = etree.Element(f"{name}")
    element.text = text
    return element


def _table(
    table: Table, folder: str, rows: int, keys: Mapping[str, tuple[str, ...]]
) -> etree._Element:
    element = etree.Element("table")
    leaf(element, "name", table.name)
    leaf(element, "folder", folder)
    leaf(element, "description", table.description)
    columns = etree.SubElement(element, "columns")
    for number, column in enumerate(table.columns, start=1):
        entry = etree.SubElement(columns, "column")
        leaf(entry, "name", column.name)
        leaf(entry, "columnID", f"c{number}")
        leaf(entry, "type", column.sql_type)
        leaf(entry, "nullable", "true" if column.nullable else "false")
        leaf(entry, "description", column.description)
        for functional in column.functional:
            leaf(entry, "functionalDescription", functional)
    key = etree.SubElement(element, "primaryKey")
    leaf(key, "name", f"pk_{table.name}")
    for name in table.primary_key:
        leaf(key, "column", name)
    if table.foreign_keys:
        foreign_keys = etree.SubElement(element, "foreignKeys")
        for foreign in table.foreign_keys:
            entry = etree.SubElement(foreign_keys, "foreignKey")
            leaf(entry, "name", f"fk_{table.name}_{'_'.join(foreign.columns)}")
            leaf(entry, "referencedTable", foreign.table)
            referenced = keys[foreign.table]
            for own, target in zip(foreign.columns, referenced, strict=True):
                reference = etree.SubElement(entry, "reference")
                leaf(reference, "column", own)
                leaf(reference, "referenced", target)
    leaf(element, "rows", str(rows))
    return element


@dataclass(frozen=True)
class ArchiveDescription:
    """What ``archiveIndex.xml`` says about the version besides its period."""

    avid: str
    """The folder name, ``AVID.<ARK>.<n>.<m>``; the package id drops the media number."""
    creator: str
    period_start: dt.date
    period_end: dt.date
    system_name: str = "casehub"
    purpose: str = (
        "Integrationshub for kommunens børnesager (Barnets Lov): sagsforløb, afgørelser, "
        "frister og dokumenter fra kommunens fagsystem."
    )
    content: str = (
        "Den centrale population er børnesager (delprocesser efter DUBU) og de børn, de "
        "handler om. Centrale variabler: sagsidentifikation, CPR-nummer, afgørelser med "
        "lovgrundlag (Barnets Lov og Serviceloven), frister og dokumenter."
    )

    @property
    def approval(self) -> str:
        """``archiveApproval``: the archive that takes the version (the AVID's ``<ARK>``)."""
        return self.avid.split(".")[1]

    @property
    def package_id(self) -> str:
        """``archiveInformationPackageID``: the AVID without its media number."""
        return self.avid.rsplit(".", 1)[0]


def write_archive_index(path: Path, about: ArchiveDescription, *, has_documents: bool) -> None:
    """``archiveIndex.xml`` (BKG 128, 0.9.6): the version's period, creator and content flags."""
    start, end = about.period_start.isoformat(), about.period_end.isoformat()
    fields: list[tuple[str, str | list[tuple[str, str]]]] = [
        ("archiveInformationPackageID", about.package_id),
        ("archivePeriodStart", start),
        ("archivePeriodEnd", end),
        ("archiveInformationPacketType", "false"),  # false: an archival version, not a test
        (
            "archiveCreatorList",
            [
                ("creatorName", about.creator),
                ("creationPeriodStart", start),
                ("creationPeriodEnd", end),
            ],
        ),
        ("archiveType", "true"),  # true: a periodised version (the period above)
        ("systemName", about.system_name),
        ("systemPurpose", about.purpose),
        ("systemContent", about.content),
        ("regionNum", "false"),
        ("komNum", "true"),
        ("cprNum", "true"),
        ("cvrNum", "false"),
        ("matrikNum", "false"),
        ("bbrNum", "false"),
        ("whoSygKod", "false"),
        ("containsDigitalDocuments", "true" if has_documents else "false"),
        ("containsGeodata", "false"),
        ("containsResearchData", "false"),
        ("researchSIP", "false"),
        ("documentsDisposal", "false"),
        ("searchRelatedOtherRecords", "false"),
        ("systemFileConcept", "true"),
        ("multipleDataCollection", "false"),
        ("personalDataRestrictedInfo", "true"),
        ("otherAccessTypeRestrictions", "false"),
        ("archiveApproval", about.approval),
    ]
    with streamed(path, "archiveIndex", DIARK, _SCHEMA.format("archiveIndex")) as xf:
        for name, value in fields:
            element = etree.Element(name)
            if isinstance(value, str):
                element.text = value
            else:
                for child, text in value:
                    leaf(element, child, text)
            xf.write(element)


@dataclass(frozen=True)
class ContextDocument:
    """One document of the context documentation and where it belongs in the categories."""

    document_id: int
    title: str
    description: str
    date: dt.date
    category: str
    """The group in ``documentCategory`` (``systemInformation``)."""
    flags: Mapping[str, bool]
    """The group's booleans, in the XSD's order."""


def write_context_index(path: Path, documents: Iterable[ContextDocument], author: str) -> None:
    """``contextDocumentationIndex.xml``: one ``document`` per context document."""
    with streamed(
        path, "contextDocumentationIndex", DIARK, _SCHEMA.format("contextDocumentationIndex")
    ) as xf:
        for document in documents:
            element = etree.Element("document")
            leaf(element, "documentID", str(document.document_id))
            leaf(element, "documentTitle", document.title)
            leaf(element, "documentDescription", document.description)
            leaf(element, "documentDate", document.date.isoformat())
            who = etree.SubElement(element, "documentAuthor")
            leaf(who, "authorInstitution", author)
            category = etree.SubElement(element, "documentCategory")
            group = etree.SubElement(category, f"{document.category}")
            for flag, value in document.flags.items():
                leaf(group, flag, "true" if value else "false")
            xf.write(element)


@dataclass
class DocIndex:
    """The open ``docIndex.xml``: ``add`` one ``doc`` per archived document."""

    _writer: XmlWriter
    media: int
    entries: int = 0

    def add(self, document_no: int, collection: str, original_name: str) -> None:
        """One document, converted to TIFF, in ``Documents/<collection>/<document_no>/``."""
        element = etree.Element("doc")
        leaf(element, "dID", str(document_no))
        leaf(element, "mID", str(self.media))
        leaf(element, "dCf", collection)
        leaf(element, "oFn", original_name)
        leaf(element, "aFt", "tif")
        self._writer.write(element)
        self.entries += 1


@contextmanager
def doc_index(path: Path, media: int) -> Iterator[DocIndex]:
    """Stream ``docIndex.xml``: entries are written as documents are archived."""
    with streamed(path, "docIndex", DIARK, _SCHEMA.format("docIndex")) as xf:
        yield DocIndex(xf, media)
