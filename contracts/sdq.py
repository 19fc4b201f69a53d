"""SDQ scoring (Goodman's Strengths and Difficulties Questionnaire): 25 items, five subscales.

Each item is ticked 0 (not true), 1 (somewhat true) or 2 (certainly true). Five items are
worded as strengths inside a difficulty subscale and scored the other way round (2 - tick):
7 obedient, 11 has a good friend, 14 generally liked, 21 thinks before acting, 25 sees
tasks through. Each subscale is the sum of its five scored items (0-10); total difficulties
is the sum of the four difficulty subscales (0-40); prosocial stands alone (0-10).
The item numbering is the same on the parent, teacher and self-report (11-17) forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = ["ITEMS", "REVERSED", "SUBSCALE_ITEMS", "SdqSubscale", "subscale_scores", "total"]

ITEMS: Final = 25


class SdqSubscale(StrEnum):
    """The five subscales; the first four are difficulties."""

    EMOTIONAL = "emotional"
    CONDUCT = "conduct"
    HYPERACTIVITY = "hyperactivity"
    PEER = "peer"
    PROSOCIAL = "prosocial"


SUBSCALE_ITEMS: Final = MappingProxyType(
    {
        SdqSubscale.EMOTIONAL: (3, 8, 13, 16, 24),
        SdqSubscale.CONDUCT: (5, 7, 12, 18, 22),
        SdqSubscale.HYPERACTIVITY: (2, 10, 15, 21, 25),
        SdqSubscale.PEER: (6, 11, 14, 19, 23),
        SdqSubscale.PROSOCIAL: (1, 4, 9, 17, 20),
    }
)
"""Item numbers (1-25) of each subscale."""

REVERSED: Final = frozenset({7, 11, 14, 21, 25})
"""Items scored 2 - tick."""


def subscale_scores(ticks: Sequence[int]) -> dict[SdqSubscale, int]:
    """Each subscale's score from the 25 ticks (item 1 first).

    Raises:
        ValueError: not 25 ticks, or a tick outside 0-2.

    """
    if len(ticks) != ITEMS or any(t not in {0, 1, 2} for t in ticks):
        msg = "an SDQ has 25 items, each ticked 0, 1 or 2"
        raise ValueError(msg)
    scored = {n: 2 - t if n in REVERSED else t for n, t in enumerate(ticks, start=1)}
    return {scale: sum(scored[n] for n in items) for scale, items in SUBSCALE_ITEMS.items()}


def total(scores: dict[SdqSubscale, int]) -> int:
    """Total difficulties: the four difficulty subscales summed (prosocial is not in it)."""
    return sum(v for k, v in scores.items() if k is not SdqSubscale.PROSOCIAL)
