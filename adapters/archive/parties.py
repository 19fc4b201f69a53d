"""Who a case is about: the child of each hub case, learned from ``CaseOpened``.

``DocumentFiled`` and ``JournalNoteAdded`` name the hub's case, not the child, while the
archive files by party. The archiver remembers the child of every case it sees opened, in
its store ``parties`` of the archive group's state table: key the case id, value the
child's CPR number. A case's records are on the same partition of every topic, so the
``CaseOpened`` and the filings of a case are handled in the same task, and the store reads
and writes that task. The table is in Kafka (the group's changelog), so a restart, a second
instance or one that takes the case's partition over still knows the child; the changelog
holds CPR numbers in its values (never in its keys), so it is personal data at rest.
"""

from __future__ import annotations

from typing import Final

from contracts.cpr import Cpr
from hub.runtime.state import Store

__all__ = ["STORE", "CaseParties"]

STORE: Final = "parties"
"""The store's name, declared in the component's descriptor."""


class CaseParties:
    """The child of each hub case, in the record's task (municipality and partition)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def remember(self, case_id: str, child: Cpr) -> None:
        """Record that ``case_id`` is about ``child`` (a case keeps its child: last one wins)."""
        self._store.put(case_id, child.reveal().encode())

    def child_of(self, case_id: str) -> Cpr | None:
        """The child of ``case_id``, or None when its ``CaseOpened`` has not been seen."""
        value = self._store.get(case_id)
        return None if value is None else Cpr(value.decode())

    def __repr__(self) -> str:
        return f"CaseParties({self._store!r})"
