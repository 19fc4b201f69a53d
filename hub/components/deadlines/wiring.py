"""The deadline engine as one hub component: handler, state store and ticker together."""

from __future__ import annotations

import datetime as dt

from hub.components.deadlines.engine import (
    NAME,
    REMEMBER_FOR,
    Clock,
    DeadlineEngine,
    run_ticker,
    utc_now,
)
from hub.components.deadlines.statetopic import StateTopic
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
    """The ``deadlines`` component; its background task loads the state, then ticks.

    Importing this module builds nothing; calling it builds no connection either (the
    state topics are created and read when the background task starts).
    """
    engine = DeadlineEngine(
        publish=context.publish,
        store=StateTopic(
            context.bootstrap_servers,
            context.municipalities,
            replication=context.topic_replication,
            client_id=f"{context.client_id}-deadlines",
        ),
        source=context.source,
        clock=clock,
        grace=grace,
        remember_for=remember_for,
    )

    async def ticker() -> None:
        await run_ticker(engine, interval_s=tick_s)

    return Component(NAME, engine.handle, close=engine.close, background=ticker)
