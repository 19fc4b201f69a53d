"""The legal clock's engine as one hub component: consumes, settings, build and commands."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError

from contracts.catalogue import CATALOGUE
from hub.components.deadlines.commands import deadlines
from hub.components.deadlines.engine import EVENT_TYPES, NAME, STORE
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
    """A boolean (``true``, ``false``, ``1``, ``0``) switches the engine on or off.

    With the defaults when on, as ``CASEHUB_DEADLINES`` always did; anything else is its
    settings, as JSON.
    """
    if isinstance(value, str | int):
        try:
            value = _BOOL.validate_python(value)
        except ValidationError:
            return value  # not a boolean: JSON settings, read as such
    if value is True:
        return DeadlineSettings()
    if value is False:
        return None
    return value


_BOOL: TypeAdapter[bool] = TypeAdapter(bool)


def _build(settings: DeadlineSettings, context: BuildContext) -> Component:
    return build_deadlines(
        context, tick_s=settings.tick_s, grace=dt.timedelta(seconds=settings.grace_s)
    )


COMPONENT: ComponentSpec[DeadlineSettings] = ComponentSpec(
    name=NAME,
    # The engine's types follow from its rules (hub.components.deadlines.engine.EVENT_TYPES),
    # and it reads every version of each (as JSON data).
    consumes=tuple(
        contract
        for (event_type, _), contract in sorted(CATALOGUE.items())
        if event_type in EVENT_TYPES
    ),
    build=_build,
    settings=SettingsField(
        Annotated[DeadlineSettings | None, BeforeValidator(_switch)],
        DeadlineSettings(),
        "The deadline engine (the legal clock), as JSON; false or null: not run.",
    ),
    commands=(deadlines,),
    stores=(STORE,),
    global_stores=(STORE,),
)
