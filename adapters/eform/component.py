"""The e-form intake as one hub component: it consumes nothing and serves HTTP."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import Mount

from adapters.eform.intake import build_intake
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "EformSettings"]

NAME = "eform"


class EformSettings(BaseModel):
    """How the intake takes submissions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_submission_bytes: int = Field(
        default=256 * 1024, gt=0, description="Largest e-form submission accepted."
    )


def _build(settings: EformSettings, context: BuildContext) -> Component:
    intake = build_intake(
        context.publish, source=context.source, max_bytes=settings.max_submission_bytes
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
