"""The legal clock's engine as one hub component: consumes, settings, build and commands."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from contracts.catalogue import CATALOGUE
from hub.components.deadlines.commands import deadlines
from hub.components.deadlines.engine import EVENT_TYPES, NAME
from hub.components.deadlines.wiring import build_deadlines
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "DeadlineSettings"]


class DeadlineSettings(BaseModel):
    """How the engine runs: how often due times are checked, how long a miss waits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tick_s: float = Field(default=1.0, gt=0, description="How often due times are checked.")
    grace_s: float = Field(
        default=5.0, ge=0, description="How long a miss waits for an answer still in flight."
    )


def _switch(value: Any) -> Any:  # noqa: ANN401 - whatever the environment or a caller gave
    """``true``/``false`` still switch the engine on (with the defaults) or off."""
    if value is True:
        return DeadlineSettings()
    if value is False:
        return None
    return value


def _build(settings: DeadlineSettings, context: BuildContext) -> Component:
    return build_deadlines(
        context, tick_s=settings.tick_s, grace=dt.timedelta(seconds=settings.grace_s)
    )


COMPONENT: ComponentSpec[DeadlineSettings] = ComponentSpec(
    name=NAME,
    # The engine's types follow from its rules (hub.components.deadlines.engine.EVENT_TYPES);
    # every version of a type is routed, so the newest class names it here.
    consumes=tuple(
        {event_type: contract for (event_type, _), contract in CATALOGUE.items()}[event_type]
        for event_type in sorted(EVENT_TYPES)
    ),
    build=_build,
    settings=SettingsField(
        Annotated[DeadlineSettings | None, BeforeValidator(_switch)],
        DeadlineSettings(),
        "The deadline engine (the legal clock), as JSON; false or null: not run.",
    ),
    commands=(deadlines,),
)
