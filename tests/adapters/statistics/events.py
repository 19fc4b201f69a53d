"""Trigger events for the statistics tests, from synthetic people."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from contracts.aftercare import AftercareDecided
from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.decision import CommitteeDecision, MeasureDecided
from contracts.envelope import Event, new_event
from contracts.handover import HandoverAccepted
from contracts.measures import FollowUpCompleted, MeasureChanged, MeasureEnded, MeasureStarted
from tests.factories import notification
from tests.people import CHILD

CPH = dt.timezone(dt.timedelta(hours=2))
DECIDED_AT = dt.datetime(2026, 9, 18, 10, 0, tzinfo=CPH)


def wrap(data: Contract, *, municipality="101", case_id="C-1", event_id=None) -> Event[Contract]:
    return new_event(
        data,
        source="urn:casehub:test",
        municipality=municipality,
        case_id=case_id,
        event_id=event_id or str(uuid.uuid4()),
    )


def opened(child=CHILD, **changes: Any) -> CaseOpened:
    fields: dict[str, Any] = {
        "opened_at": "2026-09-01T09:00:00+02:00",
        "child_cpr": child,
        "sub_process": "visitation",
        "kle": "27.27.26",
    }
    fields.update(changes)
    return CaseOpened.model_validate(fields, strict=False)


def decided(kind="placement_with_consent", **changes: Any) -> MeasureDecided:
    fields: dict[str, Any] = {
        "decision_id": "d-1",
        "measure_id": "m-1",
        "decided_at": DECIDED_AT.isoformat(),
        "kind": kind,
        "legal_basis": {"law": "BL", "paragraph": "46"},
        "sel_basis": {"law": "SEL", "paragraph": "52", "stk": 3, "nr": 7},
        "provider": {"provider_id": "tp-1", "name": "Test Institution"},
        "period": {"start": "2026-09-21"},
        "consent": kind != "placement_without_consent",
        "reasoning": "Synthetic reasoning.",
    }
    fields.update(changes)
    return MeasureDecided.model_validate(fields, strict=False)


def started(measure_id="m-1", on="2026-09-21") -> MeasureStarted:
    return MeasureStarted.model_validate(
        {"measure_id": measure_id, "decision_id": "d-1", "started_on": on}, strict=False
    )


def changed(change="placement_place", on="2026-10-19", measure_id="m-1") -> MeasureChanged:
    return MeasureChanged.model_validate(
        {"measure_id": measure_id, "changed_on": on, "change": change, "reason": "Synthetic."},
        strict=False,
    )


def ended(on="2026-12-01", measure_id="m-1") -> MeasureEnded:
    return MeasureEnded.model_validate(
        {"measure_id": measure_id, "ended_on": on, "ending": "goal_reached"}, strict=False
    )


def followed_up(at="2026-12-01T10:00:00+01:00", measure_id="m-1") -> FollowUpCompleted:
    return FollowUpCompleted.model_validate(
        {"measure_id": measure_id, "completed_at": at, "finding": "continue", "notes": "Fine."},
        strict=False,
    )


def committee(
    decision_id="d-9", paragraph="47", law="BL", decided_at="2026-10-01T15:00:00+02:00"
) -> CommitteeDecision:
    return CommitteeDecision.model_validate(
        {
            "decision_id": decision_id,
            "decided_at": decided_at,
            "urgent": False,
            "legal_basis": {"law": law, "paragraph": paragraph},
            "outcome": "approved",
            "reasoning": "Synthetic.",
        },
        strict=False,
    )


def aftercare(decision_id="a-1", at="2026-10-05T11:00:00+02:00", *, granted=True):
    return AftercareDecided.model_validate(
        {
            "decision_id": decision_id,
            "decided_at": at,
            "legal_basis": {"law": "SEL", "paragraph": "68"},
            "granted": granted,
            "forms": ["continued_stay"] if granted else [],
            "reasoning": "Synthetic.",
        },
        strict=False,
    )


def accepted(handover_id="h-1", at="2026-10-07T09:00:00+02:00", new_case_id="C-1"):
    return HandoverAccepted.model_validate(
        {"handover_id": handover_id, "accepted_at": at, "new_case_id": new_case_id},
        strict=False,
    )


__all__ = [
    "CPH",
    "DECIDED_AT",
    "accepted",
    "aftercare",
    "changed",
    "committee",
    "decided",
    "ended",
    "followed_up",
    "notification",
    "opened",
    "started",
    "wrap",
]
