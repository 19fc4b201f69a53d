"""The shape of one archived table: columns with SQL:1999 types, its primary and foreign keys.

``tableIndex.xsd`` allows only SQL:1999 types (no BLOB or CLOB: documents go to
``Documents/``), and each table file has its own XSD whose element types follow them. A
foreign key names a whole primary key of one other table (BKG 128, 4.C.5).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Column", "ForeignKey", "Table", "Value", "text_of", "xsd_type"]

Value = str | int | bool | dt.date | dt.datetime | None
"""What a cell may hold before it is written; ``None`` is SQL NULL (``xsi:nil``)."""

_XSD_TYPES: Final = (
    (re.compile(r"(CHARACTER|CHAR|VARCHAR|NATIONAL|NCHAR)\b.*"), "xs:string"),
    (re.compile(r"(INTEGER|INT|SMALLINT)"), "xs:integer"),
    (re.compile(r"(NUMERIC|DECIMAL|DEC)\b.*"), "xs:decimal"),
    (re.compile(r"BOOLEAN"), "xs:boolean"),
    (re.compile(r"DATE"), "xs:date"),
    (re.compile(r"TIMESTAMP\b.*"), "xs:dateTime"),
)

# XML 1.0 cannot carry these code points at all; a case text holding one is archived
# with U+FFFD in its place rather than failing the whole version.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xsd_type(sql_type: str) -> str:
    """The XSD type of a column's values in the table's own schema.

    Raises:
        ValueError: a type this writer does not map.

    """
    for pattern, xsd in _XSD_TYPES:
        if pattern.fullmatch(sql_type):
            return xsd
    msg = f"no XSD type for SQL type {sql_type!r}"
    raise ValueError(msg)


def text_of(value: str | int | bool | dt.date | dt.datetime) -> str:  # noqa: FBT001 - a cell
    """A cell's value as the table file writes it (``xs:boolean``, ISO 8601 dates and times)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return _NOT_XML.sub("\ufffd", value)


@dataclass(frozen=True)
class Column:
    """One column: its name, SQL type, whether it may be NULL, and what it holds."""

    name: str
    sql_type: str
    description: str
    nullable: bool = False
    functional: tuple[str, ...] = ()
    """``functionalDescription`` values (``Sagsidentifikation``, ``Dokumentdato``, ...)."""


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this table that name the whole primary key of ``table``."""

    columns: tuple[str, ...]
    table: str


@dataclass(frozen=True)
class Table:
    """One table of the archival version, as ``tableIndex.xml`` describes it."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    def column_names(self) -> tuple[str, ...]:
        """The column names in file order (``c1``, ``c2``, ...)."""
        return tuple(column.name for column in self.columns)
