"""The case journal as one hub component: every event of a case kept as a step, in its store.

The journal is a read model of the event stream: it consumes every canonical event type on
every domain topic, and keeps one masked step per event (``steps.step_of``) in its store,
under the case id. The store is a part of the group's state table, so a case's journal is in
the compacted changelog ``<group>.state.<kommunekode>`` and follows its partition (a case's
records of every domain are on one partition number, so one task holds its whole journal).
A redelivered event is passed over by the delivery; its step's key is its event id anyway.

Off unless ``CASEHUB_JOURNAL=true``: it is one more consumer group reading every topic.
"""

from __future__ import annotations

import json

from contracts.base import Contract
from contracts.catalogue import CATALOGUE
from contracts.envelope import Event
from hub.components.journal.commands import journal
from hub.components.journal.steps import step_of
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "NAME", "STORE", "step_key"]

NAME = "journal"
STORE = "journal"
_STEP = "step/"


def step_key(case_id: str, time: str, event_id: str) -> str:
    """A step's key in the store: by case, then time, then event id (the journal's order)."""
    return f"{_STEP}{case_id}/{time}/{event_id}"


def _build(_enabled: bool, context: BuildContext) -> Component:  # noqa: FBT001 - the setting
    store = context.store(STORE)

    async def handle(event: Event[Contract]) -> None:
        envelope = event.envelope
        key = step_key(envelope.caseid, envelope.time.isoformat(), envelope.id)
        store.put(key, json.dumps(step_of(event), sort_keys=True).encode())

    return Component(NAME, handle)


COMPONENT: ComponentSpec[bool] = ComponentSpec(
    name=NAME,
    consumes=tuple(contract for _key, contract in sorted(CATALOGUE.items())),
    build=_build,
    settings=SettingsField(
        annotation=bool,
        default=False,
        description="The case journal: every event of a case as a masked step; true: run it.",
    ),
    commands=(journal,),
    stores=(STORE,),
)
