"""The e-form intake as one hub component: it consumes nothing and serves HTTP."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import Mount

from adapters.eform.intake import build_intake
from adapters.eform.submission import ReceivedWindow
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "EformSettings"]

NAME = "eform"


class EformSettings(BaseModel):
    """How the intake takes submissions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_submission_bytes: int = Field(
        default=256 * 1024, gt=0, description="Largest e-form submission accepted."
    )
    publish_timeout_s: float = Field(
        default=5.0, gt=0, description="Longest wait for the broker before the intake answers 503."
    )
    received_max_age_days: int = Field(
        default=366, ge=1, description="Oldest received_at a new submission may carry."
    )
    received_max_ahead_s: float = Field(
        default=300.0, ge=0, description="How far received_at may lie ahead (clock skew)."
    )


def _build(settings: EformSettings, context: BuildContext) -> Component:
    intake = build_intake(
        context.publish,
        source=context.source,
        max_bytes=settings.max_submission_bytes,
        municipalities=context.municipalities,
        publish_timeout_s=settings.publish_timeout_s,
        received_window=ReceivedWindow(
            max_age=dt.timedelta(days=settings.received_max_age_days),
            max_ahead=dt.timedelta(seconds=settings.received_max_ahead_s),
        ),
    )
    # Mounted last: the intake answers every path the other components do not.
    return Component(NAME, routes=(Mount("/", app=intake),))


COMPONENT: ComponentSpec[EformSettings] = ComponentSpec(
    name=NAME,
    consumes=(),
    build=_build,
    settings=SettingsField(
        EformSettings | None,
        EformSettings(),
        "The e-form intake (POST /notifications), as JSON; null: not served.",
    ),
)
