"""Measure events for the finance tests (no person in them: measures carry ids only)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from contracts.base import Contract
from contracts.decision import MeasureDecided
from contracts.envelope import Event, new_event
from contracts.measures import MeasureChanged, MeasureEnded

CPH = dt.timezone(dt.timedelta(hours=1))
AT = dt.datetime(2027, 1, 5, 10, 0, tzinfo=CPH)


def wrap(data: Contract, *, municipality="101", case_id="C-1", event_id=None, time=AT):
    return new_event(
        data,
        source="urn:casehub:test",
        municipality=municipality,
        case_id=case_id,
        event_id=event_id or str(uuid.uuid4()),
        time=time,
    )


def decided(measure_id="m-1", start="2027-01-17", end="2027-03-10", **changes: Any):
    fields: dict[str, Any] = {
        "decision_id": f"d-{measure_id}",
        "measure_id": measure_id,
        "decided_at": AT.isoformat(),
        "kind": "placement_with_consent",
        "legal_basis": {"law": "BL", "paragraph": "46"},
        "provider": {"provider_id": "tp-1", "name": "Test Institution"},
        "period": {"start": start, "end": end},
        "consent": True,
        "reasoning": "Synthetic reasoning.",
    }
    fields.update(changes)
    return MeasureDecided.model_validate(fields, strict=False)


def ended(on="2027-02-14", measure_id="m-1") -> MeasureEnded:
    return MeasureEnded.model_validate(
        {"measure_id": measure_id, "ended_on": on, "ending": "goal_reached"}, strict=False
    )


def changed(provider_id, on="2027-02-15", measure_id="m-1") -> MeasureChanged:
    return MeasureChanged.model_validate(
        {
            "measure_id": measure_id,
            "changed_on": on,
            "change": "provider",
            "provider": {"provider_id": provider_id, "name": "Another Institution"},
            "reason": "Synthetic.",
        },
        strict=False,
    )


def of(events: list[Event[Contract]], contract):
    return [e.data for e in events if isinstance(e.data, contract)]


def hub_environment(settings, finance):
    """The ``CASEHUB_*`` variables that point a ``casehub finance`` command at this hub."""
    return {
        **settings.kafka.environment(),
        "CASEHUB_GROUP_PREFIX": settings.group_prefix,
        "CASEHUB_MUNICIPALITIES": json.dumps(list(settings.municipalities)),
        "CASEHUB_FINANCE": finance.model_dump_json(),
    }
