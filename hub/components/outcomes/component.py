"""The outcomes read model as one hub component: per case, the summary the extract reads.

It consumes the events the fold uses (``model.FOLDED``) on the case, decision, measure,
finance and outcome topics, and keeps each case's summary (``summary``) in its store, under
the case id. The store is a part of the group's state table, so the summaries are in the
compacted changelog ``<group>.state.<kommunekode>`` and follow their partition (a case's
records of every domain are on one partition number, so one task holds its whole summary).
``casehub outcomes extract`` reads that changelog instead of the topics' whole history.

The fold does not depend on the order events come in (``model``), so a case's summary is
the one the history folded in time order gives. Off unless ``CASEHUB_OUTCOMES=true``.

With field encryption on, each summary (the child's CPR number, conditions, measures) is
stored sealed under the data key of its child (of its case while no child is known):
``hub.runtime.crypto.values``. A shred then leaves the changelog's copies unreadable; a held
summary that can no longer be opened is folded again from the events that still come.
"""

from __future__ import annotations

import structlog

from contracts.base import Contract
from contracts.envelope import Event
from hub.components.outcomes.model import FOLDED, CaseOutcomes, fold
from hub.components.outcomes.summary import case_key, decode, encode
from hub.runtime.component import BuildContext, Component, ComponentSpec, SettingsField
from hub.runtime.crypto import (
    KeyShreddedError,
    case_subject,
    child_subject,
    open_value,
    seal_value,
)

__all__ = ["COMPONENT", "NAME", "STORE"]

log = structlog.get_logger(__name__)

NAME = "outcomes"
STORE = "outcomes"


def _build(_enabled: bool, context: BuildContext) -> Component:  # noqa: FBT001 - the setting
    store = context.store(STORE)
    keys = context.data_keys

    def held(municipality: str, key: str) -> CaseOutcomes:
        value = store.get(key)
        if value is None:
            return CaseOutcomes()
        if keys is None:
            return decode(value)
        try:
            return decode(open_value(keys, municipality, f"{STORE}/{key}", value))
        except KeyShreddedError:
            log.info("outcomes_summary_shredded")  # the case id may be the child's: not logged
            return CaseOutcomes()

    async def handle(event: Event[Contract]) -> None:
        municipality, key = event.envelope.municipality, case_key(event.envelope.caseid)
        case = held(municipality, key)
        fold(case, event)
        if case.empty():
            return
        value = encode(case)
        if keys is not None:
            subject = (
                child_subject(case.child) if case.child else case_subject(event.envelope.caseid)
            )
            value = await seal_value(keys, municipality, subject, f"{STORE}/{key}", value)
        store.put(key, value)

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
