"""Changes held until their measure's decision: the ``held`` store of the finance component.

A ``MeasureChanged``, ``MeasureEnded`` or ``RateUpdated`` can arrive before the measure's
``MeasureDecided`` (they travel on different topics; a case's records share a partition but
topics have no order between them). Such an event is kept here, keyed ``<measure>/<event>``
in the measure's task, with its place in the order it came, and handled right after the
decision, oldest first, then forgotten: never lost, never posted before the decision. A
redelivery of a held event is kept once. The value is the event as JSON (ids, days, amounts:
a measure event names no person).
"""

from __future__ import annotations

import json

from contracts.base import Contract
from contracts.envelope import Event
from hub.runtime.codec import revive_event
from hub.runtime.state import Store

__all__ = ["held", "hold", "release"]


def hold(store: Store, measure_id: str, event: Event[Contract]) -> None:
    """Keep ``event`` until the measure's decision (once per event)."""
    key = f"{measure_id}/{event.envelope.id}"
    if store.get(key) is not None:
        return  # a redelivery: held once
    seqs = [json.loads(value)["seq"] for _, value in store.items(f"{measure_id}/")]
    body = {"seq": max(seqs, default=0) + 1, "event": event.model_dump(mode="json")}
    store.put(key, json.dumps(body, separators=(",", ":")).encode())


def held(store: Store, measure_id: str) -> list[Event[Contract]]:
    """The events held for the measure, in the order they came."""
    rows = sorted(
        (json.loads(value) for _, value in store.items(f"{measure_id}/")),
        key=lambda row: row["seq"],
    )
    return [revive_event(row["event"]) for row in rows]


def release(store: Store, measure_id: str, event: Event[Contract]) -> None:
    """Forget a held event once it is handled."""
    store.delete(f"{measure_id}/{event.envelope.id}")
