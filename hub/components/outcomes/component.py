"""The outcomes read model as one hub component: per case, the summary the extract reads.

It consumes the events the fold uses (``model.FOLDED``) on the case, decision, measure,
finance and outcome topics, and keeps each case's summary (``summary``) in its store, under
the case id. The store is a part of the group's state table, so the summaries are in the
compacted changelog ``<group>.state.<kommunekode>`` and follow their partition (a case's
records of every domain are on one partition number, so one task holds its whole summary).
``casehub outcomes extract`` reads that changelog instead of the topics' whole history.

The fold does not depend on the order events come in (``model``), so a case's summary is
the one the history folded in time order gives. Off unless ``CASEHUB_OUTCOMES=true``.
"""

from __future__ import annotations

from contracts.base import Contract
from contracts.envelope import Event
from hub.components.outcomes.model import FOLDED, CaseOutcomes, fold
from hub.components.outcomes.summary import case_key, decode, encode
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField

__all__ = ["COMPONENT", "NAME", "STORE"]

NAME = "outcomes"
STORE = "outcomes"


def _build(_enabled: bool, context: BuildContext) -> Component:  # noqa: FBT001 - the setting
    store = context.store(STORE)

    async def handle(event: Event[Contract]) -> None:
        key = case_key(event.envelope.caseid)
        held = store.get(key)
        case = decode(held) if held is not None else CaseOutcomes()
        fold(case, event)
        if not case.empty():
            store.put(key, encode(case))

    return Component(NAME, handle)


COMPONENT: ComponentSpec[bool] = ComponentSpec(
    name=NAME,
    consumes=FOLDED,
    build=_build,
    settings=SettingsField(
        annotation=bool,
        default=False,
        description="The outcomes read model (per-case summaries for `casehub outcomes "
        "extract`); true: run it.",
    ),
    stores=(STORE,),
)
