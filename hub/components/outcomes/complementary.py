"""Complementary (secondary) suppression: a blanked municipal cell stays hidden nationally.

The national row of a group is the sum of the municipalities' rows of that group, so when
only one municipality's row is blanked, the national row minus the others' gives it back
(its children, and with the means its statistics). For each group of each aggregate table,
while the blanked municipal rows are exactly one, or count fewer children together than the
threshold, the next smallest visible municipal row is blanked too; when none is left, the
national row is. Then subtraction yields only the sum of two or more rows of at least the
threshold's children together, or nothing.

It guards the national total against the municipal rows only; tables of one scope do not
sum to one another (their rows count different things), so they need no such guard.
"""

from __future__ import annotations

from collections.abc import Mapping

from hub.components.outcomes.table import Cell, Table

__all__ = ["RowKey", "complementary"]

RowKey = tuple[Cell, ...]
"""A row's grouping cells (its ``key`` columns), which identify it in every scope."""


def _counts(table: Table) -> dict[RowKey, int]:
    """Each row's children, by its key (aggregate tables only)."""
    if table.counted_by is None:
        return {}
    names = table.column_names()
    keys = [i for i, c in enumerate(table.columns) if c.key]
    at = names.index(table.counted_by)
    return {tuple(row[i] for i in keys): int(row[at] or 0) for row in table.rows}


def complementary(
    municipal: Mapping[str, Table], national: Table, threshold: int
) -> tuple[dict[str, set[RowKey]], set[RowKey]]:
    """The rows (by key) to blank beside the small ones: per municipality, and nationally.

    ``municipal`` is one table of every included municipality (by kommunekode), ``national``
    the same table of them all.
    """
    counts = {m: _counts(t) for m, t in municipal.items()}
    blank: dict[str, set[RowKey]] = {m: set() for m in municipal}
    blank_national: set[RowKey] = set()
    for key, total in _counts(national).items():
        if total < threshold:
            continue  # the national row is blanked itself: nothing to subtract from
        present = {m: c[key] for m, c in counts.items() if c.get(key, 0) > 0}
        hidden = {m for m, n in present.items() if n < threshold}
        if not hidden:
            continue
        visible = sorted((n, m) for m, n in present.items() if m not in hidden)
        while len(hidden) == 1 or sum(present[m] for m in hidden) < threshold:
            if not visible:
                blank_national.add(key)
                break
            _, smallest = visible.pop(0)
            hidden.add(smallest)
            blank[smallest].add(key)
    return blank, blank_national
