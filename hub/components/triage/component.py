"""Triage as one hub component: it always runs, and has no settings of its own."""

from __future__ import annotations

from contracts.intake import NotificationReceived
from hub.components.triage.handler import NAME, build_triage
from hub.runtime.component import BuildContext, Component, ComponentSpec

__all__ = ["COMPONENT"]


def _build(_settings: None, context: BuildContext) -> Component:
    return Component(NAME, build_triage(context.publish, source=context.source))


COMPONENT: ComponentSpec[None] = ComponentSpec(
    name=NAME, consumes=(NotificationReceived,), build=_build
)
