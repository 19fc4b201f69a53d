"""An extract's table: named, typed, described columns and rows, and small-cell suppression.

An aggregate row counts children; when that count is below the threshold (default 5, and
not 0) every statistic of the row is blanked and ``suppressed`` says so, so no small group
of children can be recognised from a cell. The grouping columns (``key``) stay. Rows that
would give a blanked row back by subtraction are blanked too (``complementary``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Final, Literal

__all__ = ["DEFAULT_THRESHOLD", "SUPPRESSED", "Cell", "Column", "Table", "suppress"]

DEFAULT_THRESHOLD: Final = 5

Cell = str | int | float | bool | None
Kind = Literal["string", "integer", "number", "boolean"]


@dataclass(frozen=True)
class Column:
    """One column: its name, its type in CSV and Parquet, and what it means."""

    name: str
    kind: Kind
    description: str
    key: bool = False
    """A grouping column: kept when the row is suppressed."""


SUPPRESSED: Final = Column(
    "suppressed", "boolean", "True when the row's statistics are blanked: its children are "
    "fewer than the threshold, or it hides such a row of another municipality from being "
    "recovered by subtraction from the national row (complementary suppression).",
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    """One table of the extract."""

    name: str
    description: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    counted_by: str | None = None
    """The column counting children, whose small values suppress the row; None: microdata."""

    def column_names(self) -> list[str]:
        """The columns' names in order."""
        return [c.name for c in self.columns]


def suppress(
    table: Table, threshold: int = DEFAULT_THRESHOLD, also: Collection[tuple[Cell, ...]] = ()
) -> Table:
    """The table with its small rows blanked, and those whose key cells are in ``also``.

    A row is small when it counts fewer than ``threshold`` children (but some); ``also`` are
    the rows complementary suppression blanks (``complementary``).
    An aggregate table gains the ``suppressed`` column; a microdata table is returned as is.
    """
    if table.counted_by is None:
        return table
    at = table.column_names().index(table.counted_by)
    keys = [i for i, c in enumerate(table.columns) if c.key]
    rows = []
    for row in table.rows:
        count = row[at]
        small = isinstance(count, int) and 0 < count < threshold
        small = small or tuple(row[i] for i in keys) in also
        cells = tuple(
            None if small and not column.key else cell
            for column, cell in zip(table.columns, row, strict=True)
        )
        rows.append((*cells, small))
    return replace(table, columns=(*table.columns, SUPPRESSED), rows=rows)
