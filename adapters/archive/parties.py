"""Who a case is about: the child of each hub case, learned from ``CaseOpened``.

``DocumentFiled`` and ``JournalNoteAdded`` name the hub's case, not the child, while the
archive files by party. The archiver remembers the child of every case it sees opened.
"""

from __future__ import annotations

from typing import Protocol

from contracts.cpr import Cpr

__all__ = ["CaseParties", "InMemoryCaseParties"]


class CaseParties(Protocol):
    """The child of each hub case, per municipality."""

    async def remember(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Record that ``case_id`` is about ``child``."""
        ...

    async def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of ``case_id``, or None when its ``CaseOpened`` has not been seen."""
        ...


class InMemoryCaseParties:
    """``CaseParties`` in a dict: lost when the process stops."""

    def __init__(self) -> None:
        self._children: dict[tuple[str, str], Cpr] = {}

    async def remember(self, municipality: str, case_id: str, child: Cpr) -> None:
        """Record that ``case_id`` is about ``child``."""
        self._children[municipality, case_id] = child

    async def child_of(self, municipality: str, case_id: str) -> Cpr | None:
        """The child of ``case_id``, or None."""
        return self._children.get((municipality, case_id))

    def __repr__(self) -> str:
        return f"InMemoryCaseParties(cases={len(self._children)})"
