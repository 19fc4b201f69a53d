"""One table's folder: ``tableN.xsd`` and ``tableN.xml``, its rows written as they come."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from lxml import etree

from adapters.rigsarkivet.schema import Table, Value, text_of, xsd_type
from adapters.rigsarkivet.xmlstream import XmlWriter, streamed

__all__ = ["TableFile", "namespace_of", "table_file", "write_table_schema"]

_XS: Final = "http://www.w3.org/2001/XMLSchema"


def namespace_of(folder: str) -> str:
    """The target namespace of a table's schema (``.../schema0/table3.xsd``)."""
    return f"http://www.sa.dk/xmlns/siard/1.0/schema0/{folder}.xsd"


def write_table_schema(path: Path, table: Table, folder: str) -> None:
    """Write the table's own XSD: a ``table`` of ``row``s holding ``c1..cK`` in column order."""
    namespace = namespace_of(folder)
    nsmap = {"xs": _XS, "t": namespace}  # the row type is referred to as t:rowType
    schema = etree.Element(
        f"{{{_XS}}}schema",
        {
            "targetNamespace": namespace,
            "elementFormDefault": "qualified",
            "attributeFormDefault": "unqualified",
        },
        nsmap=nsmap,
    )
    root = etree.SubElement(schema, f"{{{_XS}}}element", name="table")
    rows = etree.SubElement(etree.SubElement(root, f"{{{_XS}}}complexType"), f"{{{_XS}}}sequence")
    etree.SubElement(
        rows,
        f"{{{_XS}}}element",
        minOccurs="0",
        maxOccurs="unbounded",
        name="row",
        type="t:rowType",
    )
    row_type = etree.SubElement(schema, f"{{{_XS}}}complexType", name="rowType")
    cells = etree.SubElement(row_type, f"{{{_XS}}}sequence")
    for number, column in enumerate(table.columns, start=1):
        attrib = {"minOccurs": "1", "name": f"c{number}", "type": xsd_type(column.sql_type)}
        if column.nullable:
            attrib["nillable"] = "true"
        etree.SubElement(cells, f"{{{_XS}}}element", attrib)
    path.write_bytes(
        etree.tostring(schema, xml_declaration=True, encoding="utf-8", pretty_print=True)
    )


_ESCAPES: Final = {"\r": "&#13;"}
"""Besides ``&``, ``<`` and ``>``: a carriage return, which a parser would otherwise drop."""


@dataclass
class TableFile:
    """An open table file: ``write(row)`` appends one row; ``rows`` counts them."""

    table: Table
    _writer: XmlWriter
    rows: int = field(default=0)

    def write(self, row: tuple[Value, ...]) -> None:
        """Append one row, its values in column order.

        Raises:
            ValueError: the row has another number of values than the table has columns,
                or a NULL in a column that is not nullable.

        """
        if len(row) != len(self.table.columns):
            msg = f"table {self.table.name}: {len(row)} values for {len(self.table.columns)}"
            raise ValueError(msg)
        # Rows are the bulk of a version: written as text, escaped by the standard library,
        # rather than as one lxml tree per row.
        cells = []
        for number, (column, value) in enumerate(zip(self.table.columns, row, strict=True), 1):
            if value is None:
                if not column.nullable:
                    msg = f"table {self.table.name}: NULL in column {column.name}"
                    raise ValueError(msg)
                cells.append(f'<c{number} xsi:nil="true"/>')
            else:
                cells.append(f"<c{number}>{escape(text_of(value), _ESCAPES)}</c{number}>")
        self._writer.write_bytes(f"<row>{''.join(cells)}</row>\n".encode())
        self.rows += 1


@contextmanager
def table_file(directory: Path, table: Table, folder: str) -> Iterator[TableFile]:
    """Create ``directory/<folder>/`` with the table's XSD and stream its rows into the XML."""
    path = directory / folder
    path.mkdir()
    write_table_schema(path / f"{folder}.xsd", table, folder)
    namespace = namespace_of(folder)
    with streamed(path / f"{folder}.xml", "table", namespace, f"{folder}.xsd") as writer:
        yield TableFile(table, writer)
