"""Complementary suppression: a blanked municipal row cannot be had back by subtraction."""

import pytest

from hub.components.outcomes.complementary import complementary
from hub.components.outcomes.table import Column, Table, suppress

COLUMNS = (Column("kind", "string", "k", key=True), Column("children", "integer", "n"),
           Column("mean_days", "number", "m"))  # fmt: skip


def table(**children):
    """One municipality's table: a row per kind, its children and their mean days."""
    return Table("t", "t", COLUMNS, [(k, n, 100.0 + n) for k, n in children.items()], "children")


def national(scopes):
    totals: dict[str, int] = {}
    for found in scopes.values():
        for kind, n, _ in found.rows:
            totals[kind] = totals.get(kind, 0) + n
    return table(**totals)


def extract(scopes, threshold=5):
    whole = national(scopes)
    blank, blank_national = complementary(scopes, whole, threshold)
    shown = {m: suppress(t, threshold, also=blank[m]) for m, t in scopes.items()}
    return shown, suppress(whole, threshold, also=blank_national)


def children_of(found, kind):
    return next((n for k, n, *_ in found.rows if k == kind), 0)


def subtract(shown, whole, kind):
    """What an attacker gets: the national row minus every municipal row that is shown."""
    total = children_of(whole, kind)
    if total is None:
        return None
    return total - sum(children_of(t, kind) or 0 for t in shown.values())


@pytest.mark.parametrize(
    ("scopes", "secret"),
    [
        ({"101": table(a=3, b=9), "147": table(a=10, b=9), "151": table(a=12, b=9)}, "101"),
        ({"101": table(a=3), "147": table(a=1), "151": table(a=10)}, "101"),  # 3 + 1 < 5
        ({"101": table(a=2), "147": table(a=40)}, "101"),
    ],
    ids=["three-municipalities", "two-small-together-too-few", "two-municipalities"],
)
def test_a_small_municipal_row_cannot_be_recovered_from_the_national_row(scopes, secret):
    true_count = children_of(scopes[secret], "a")
    shown, whole = extract(scopes)
    assert children_of(shown[secret], "a") is None  # blanked: fewer than five
    left = subtract(shown, whole, "a")
    assert left != true_count  # the subtraction does not give it back ...
    assert left is None or left >= 5  # ... nor any group of fewer than five children
    hidden = [m for m, t in shown.items() if children_of(t, "a") is None]
    assert len(hidden) >= 2 or left is None


def test_without_complementary_suppression_the_subtraction_recovers_it():
    scopes = {"101": table(a=3), "147": table(a=10), "151": table(a=12)}
    whole = national(scopes)
    only_small = {m: suppress(t) for m, t in scopes.items()}  # primary suppression alone
    assert subtract(only_small, suppress(whole), "a") == 3  # what the complement prevents


def test_the_smallest_visible_row_is_the_one_blanked_and_others_stay():
    scopes = {"101": table(a=3, b=9), "147": table(a=10, b=9), "151": table(a=12, b=9)}
    shown, whole = extract(scopes)
    assert [children_of(shown[m], "a") for m in scopes] == [None, None, 12]
    assert [children_of(shown[m], "b") for m in scopes] == [9, 9, 9]  # nothing small there
    assert children_of(whole, "a") == 25
    assert [r[-1] for r in shown["147"].rows] == [True, False]  # suppressed says so
