"""An in-memory ``StateStore`` (the port is in ``hub.runtime.seams``) for the engine's tests.

The state is a table keyed per municipality: a deadline id → its ``Tracked`` record,
``fact:<kind>:<id>`` → a remembered fact (what a later event needs from an earlier one),
and ``early:<event id>`` → a kept fulfilment or ending (``hub.components.deadlines.early``), deleted
when it expires.
``hub.components.deadlines.statetopic`` keeps it in compacted Kafka topics.
"""

from __future__ import annotations

__all__ = ["InMemoryStateStore"]


class InMemoryStateStore:
    """The table in a dict; survives an engine's restart (pass it to the next engine)."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], bytes] = {}
        self.writes: list[tuple[str, str]] = []

    async def start(self) -> None:
        """Nothing to connect."""

    async def load(self) -> list[tuple[str, str, bytes]]:
        """Every record's latest value."""
        return [(m, key, value) for (m, key), value in self.records.items()]

    async def write(self, municipality: str, key: str, value: bytes) -> None:
        """Keep the record."""
        self.records[municipality, key] = value
        self.writes.append((municipality, key))

    async def delete(self, municipality: str, key: str) -> None:
        """Forget the record."""
        self.records.pop((municipality, key), None)
        self.writes.append((municipality, key))

    async def close(self) -> None:
        """Nothing to release."""
