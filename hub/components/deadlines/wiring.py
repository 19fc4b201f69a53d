"""The deadline engine as one hub component: handler, store and ticker together."""

from __future__ import annotations

import datetime as dt

from hub.components.deadlines.engine import (
    NAME,
    REMEMBER_FOR,
    STORE,
    Clock,
    DeadlineEngine,
    run_ticker,
    utc_now,
)
from hub.runtime.component import BuildContext, Component

__all__ = ["build_deadlines"]


def build_deadlines(
    context: BuildContext,
    *,
    clock: Clock = utc_now,
    tick_s: float = 1.0,
    grace: dt.timedelta = dt.timedelta(seconds=5),
    remember_for: dt.timedelta = REMEMBER_FOR,
) -> Component:
    """The ``deadlines`` component: its state in its store, its ticker in the background.

    The engine listens to the component's state table, so it holds the deadlines of the
    tasks (municipality partitions) this instance is assigned, restored from the
    changelog, and its ticker ticks those alone. The facts kept by a record (a measure's
    decision, a letter's) go to the group's global table too (``context.global_table``),
    so a start in a case on another instance's task finds its decision. Importing this
    module builds nothing; calling it connects nothing either (the hub starts the tables
    and its consumer).
    """
    engine = DeadlineEngine(
        publish=context.publish,
        store=context.store(STORE),
        source=context.source,
        clock=clock,
        grace=grace,
        remember_for=remember_for,
        shared=context.global_table(STORE),
    )
    context.table.listen(engine)

    async def ticker() -> None:
        await run_ticker(engine, interval_s=tick_s)

    return Component(NAME, engine.handle, background=ticker)
