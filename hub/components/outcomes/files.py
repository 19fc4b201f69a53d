"""Writing an extract: each table as CSV and as Parquet, and one data dictionary.

``DIR/<scope>/<table>.csv`` and ``.parquet`` per scope (a kommunekode, or ``national``);
``DIR/dictionary.csv`` names every table's every column with its type and meaning, and
``DIR/codelists.csv`` every code's Danish label, source and version. A blank CSV cell is
a null in Parquet (a suppressed or unknown value).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from contracts.codelists import CODE_LISTS
from hub.components.outcomes.table import Cell, Column, Table
from hub.runtime.statefile import private_file

__all__ = ["CODELISTS_FILE", "DICTIONARY_FILE", "write_dictionary", "write_table"]

DICTIONARY_FILE = "dictionary.csv"
CODELISTS_FILE = "codelists.csv"

_ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
          "boolean": pa.bool_()}  # fmt: skip


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def write_table(folder: Path, table: Table) -> list[Path]:
    """Write one table as CSV and Parquet in ``folder``; return both paths.

    Only the owner may read them (0600 in a 0700 folder): a table holds pseudonymised
    microdata, and a pseudonym is still personal data.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    csv_path, parquet_path = folder / f"{table.name}.csv", folder / f"{table.name}.parquet"
    with private_file(csv_path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(table.column_names())
        writer.writerows([_csv_cell(c) for c in row] for row in table.rows)
    schema = pa.schema([pa.field(c.name, _ARROW[c.kind]) for c in table.columns])
    by_column = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.columns)
    arrays = [pa.array(list(v), type=_ARROW[c.kind]) for c, v in zip(table.columns, by_column,
                                                                     strict=True)]  # fmt: skip
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), private_file(parquet_path))
    return [csv_path, parquet_path]


def write_dictionary(out: Path, tables: Iterable[Table]) -> list[Path]:
    """Write the data dictionary of ``tables`` and the code lists; return both paths."""
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[tuple[str, str], tuple[str, Column]] = {}
    for table in tables:
        for column in table.columns:
            seen.setdefault((table.name, column.name), (table.description, column))
    dictionary = out / DICTIONARY_FILE
    with dictionary.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["table", "table_description", "column", "type", "description"])
        for (name, column_name), (about, column) in seen.items():
            writer.writerow([name, about, column_name, column.kind, column.description])
    codes = out / CODELISTS_FILE
    with codes.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["code_list", "code", "label_da", "source", "version"])
        for code_list in CODE_LISTS.values():
            for code, label in code_list.labels.items():
                writer.writerow([code_list.name, code, label, code_list.source, code_list.version])
    return [dictionary, codes]
