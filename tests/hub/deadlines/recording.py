"""The engine's seams for tests: a clock to move, a recording publisher, a store that fails."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.components.deadlines.engine import DeadlineEngine
from hub.components.deadlines.store import InMemoryStateStore
from hub.runtime.errors import TransientError

__all__ = ["Clock", "FailingStore", "Published", "engine_on"]


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Published:
    """The broker as the engine sees it: records events; can refuse the next ones."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.refuse = 0

    async def __call__(self, event: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            msg = "publish refused"
            raise TransientError(msg)
        self.events.append(event)
        return "topic"

    def of(self, contract: type) -> list[Any]:
        return [e for e in self.events if isinstance(e.data, contract)]

    def rules(self, contract: type) -> list[str]:
        """The rule ids of the recorded events of one deadline contract, in order."""
        return [e.data.rule_id for e in self.of(contract)]


class FailingStore(InMemoryStateStore):
    def __init__(self) -> None:
        super().__init__()
        self.refuse = 0

    async def write(self, municipality: str, key: str, value: bytes) -> None:
        self._maybe_refuse()
        await super().write(municipality, key, value)

    async def delete(self, municipality: str, key: str) -> None:
        self._maybe_refuse()
        await super().delete(municipality, key)

    def _maybe_refuse(self) -> None:
        if self.refuse:
            self.refuse -= 1
            msg = "write refused"
            raise TransientError(msg)


async def engine_on(
    store: InMemoryStateStore, published: Published, clock: Clock, **options: Any
) -> DeadlineEngine:
    """A started engine without grace, so a tick past the due time misses at once."""
    engine = DeadlineEngine(
        publish=published,
        store=store,
        source="urn:test",
        clock=clock,
        grace=dt.timedelta(0),
        **options,
    )
    await engine.start()
    return engine
