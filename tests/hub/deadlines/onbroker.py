"""The deadline engine in a hub on the real broker, with a clock the test moves.

The hub is built by ``create_app`` from the registry's deadline component, its build given
the test's clock, and no other component: the engine, its consumer group, its state table
and its ticker are wired as in production.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from types import TracebackType
from typing import Any, Self

from contracts.binding import from_kafka, to_kafka
from hub.components.deadlines.component import COMPONENT
from hub.components.deadlines.engine import NAME, STORE, DeadlineEngine
from hub.components.deadlines.wiring import build_deadlines
from hub.compose.app import create_app, group_of
from hub.runtime.serve import serving
from hub.runtime.state import StateTable
from routing.topics import changelog_topic, topic
from tests.kafka import WITHIN_S, produce, read_topic, wait_for_records

__all__ = [
    "Clock",
    "RunningHub",
    "Ticks",
    "changelog_of",
    "deadline_events",
    "engine_settings",
    "kept",
    "send",
]


class Clock:
    """Real time plus an offset the test moves."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


class Ticks:
    """The engines' finished ticks, counted (``run_ticker`` calls ``DeadlineEngine.tick``)."""

    def __init__(self) -> None:
        self.done = 0

    async def wait(self, count: int) -> None:
        """Wait until ``count`` ticks have run with the clock as it is now.

        The tick under way may have read the clock before the test moved it, so this waits
        for one more. It waits for ticks, not for an amount of time.
        """
        wanted = self.done + count + 1
        async with asyncio.timeout(WITHIN_S):
            while self.done < wanted:
                await asyncio.sleep(0.05)

    def install(self, monkeypatch: Any) -> None:
        tick = DeadlineEngine.tick

        async def counting(engine: DeadlineEngine) -> int:
            taken = await tick(engine)
            self.done += 1
            return taken

        monkeypatch.setattr(DeadlineEngine, "tick", counting)


def engine_settings(hub_settings: Any) -> Any:
    """The test's settings with the deadline engine's route alone (no other component runs)."""
    routes = tuple(route for route in hub_settings.routes if route.consumer == NAME)
    return hub_settings.model_copy(update={"routes": routes})


class RunningHub:
    """One hub instance running the deadline engine (and nothing else)."""

    def __init__(self, settings: Any, clock: Clock, *, tick_s: float = 0.2) -> None:
        self.settings = settings
        spec = dataclasses.replace(
            COMPONENT,
            build=lambda _config, context: build_deadlines(
                context, clock=clock, tick_s=tick_s, grace=dt.timedelta(0)
            ),
        )
        self.app = create_app(settings, components=(spec,))
        self._serving = serving(self.app)

    @property
    def table(self) -> StateTable:
        tables: tuple[StateTable, ...] = self.app.state.tables
        (table,) = tables
        return table

    async def __aenter__(self) -> Self:
        await self._serving.__aenter__()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._serving.__aexit__(kind, error, trace)


def municipality(settings: Any) -> str:
    return str(settings.municipalities[0])


def changelog_of(settings: Any) -> str:
    """The engine's changelog topic of the test's municipality."""
    return changelog_topic(group_of(settings, NAME), municipality(settings))


async def kept(settings: Any, key: str) -> None:
    """Wait until the engine's record ``key`` (``fact:child:<case>``...) is in its changelog."""
    wanted = f"{STORE}/{key}".encode()
    await wait_for_records(settings.kafka, changelog_of(settings), lambda r: r.key == wanted)


async def deadline_events(settings: Any, event_type: str | None) -> list[Any]:
    records = await read_topic(settings.kafka, topic("deadline", municipality(settings)))
    events = [from_kafka(r.headers, r.value) for r in records]
    return [e for e in events if event_type in {None, e.envelope.type}]


async def send(settings: Any, event: Any) -> None:
    record = to_kafka(event)
    domain = type(event.data).domain
    await produce(
        settings.kafka,
        topic(domain, municipality(settings)),
        record.value,
        key=record.key,
        headers=record.headers,
    )
