"""Valid canonical events of one case for the deadline-engine tests (synthetic, no people)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, TypeVar

from contracts.base import Contract
from contracts.catalogue import CATALOGUE
from contracts.envelope import Event, new_event
from contracts.intake import NotificationReceived
from tests.factories import notification, short_id
from tests.people import CHILD

__all__ = ["CaseFile"]

_CONTRACTS = {event_type: c for (event_type, _), c in CATALOGUE.items()}
D = TypeVar("D", bound=Contract)
_BL = {"law": "BL", "paragraph": "32", "stk": 1}
_WITHOUT_CONSENT = {"law": "BL", "paragraph": "47"}


class CaseFile:
    """Events of one case in one municipality."""

    def __init__(self, municipality: str = "101") -> None:
        self.municipality = municipality
        self.case_id = short_id("C")

    def event(self, data: D, time: datetime, event_id: str | None = None) -> Event[D]:
        return new_event(
            data,
            source="urn:casehub:test",
            municipality=self.municipality,
            case_id=self.case_id,
            event_id=event_id,
            time=time,
        )

    def of(self, event_type: str, time: datetime, **fields: Any) -> Event[Contract]:
        contract = _CONTRACTS[event_type]
        return self.event(contract.model_validate(fields, strict=False), time)

    def notification(self, received_at: datetime, **changes: Any) -> Event[NotificationReceived]:
        data = notification(received_at=received_at.isoformat(), **changes)
        return self.event(data, received_at)

    def assessed(self, notification_id: str, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.notification.assessed",
            at,
            notification_id=notification_id,
            assessed_at=at.isoformat(),
            acute_danger=False,
            outcome="investigate",
            rationale="Synthetic.",
        )

    def case_opened(self, at: datetime, child_cpr: str = CHILD) -> Event[Contract]:
        return self.of(
            "dk.casehub.case.opened",
            at,
            opened_at=at.isoformat(),
            child_cpr=child_cpr,
            sub_process="visitation",
            kle="27.24.00",
        )

    def measure_proposed(
        self, at: datetime, planned: datetime, kind: str, **changes: Any
    ) -> Event[Contract]:
        without = kind == "placement_without_consent"
        fields = {
            "proposal_id": "p-1",
            "measure_id": "m-1",
            "proposed_at": at.isoformat(),
            "decision_planned_at": planned.isoformat(),
            "kind": kind,
            "legal_basis": _WITHOUT_CONSENT if without else _BL,
            "consent": not without,
            "reasoning": "Synthetic.",
            **changes,
        }
        return self.of("dk.casehub.decision.measure-proposed", at, **fields)

    def child_heard(self, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.investigation.child-heard",
            at,
            heard_at=at.isoformat(),
            form="conversation",
            support_person_present=False,
            summary="Synthetic.",
        )

    def plan_created(
        self, at: datetime, kind: str = "child_plan", measure_ids: tuple[str, ...] = ("m-1",)
    ) -> Event[Contract]:
        return self.of(
            "dk.casehub.decision.plan-created",
            at,
            plan_id=f"pl-{uuid.uuid4().hex[:6]}",
            kind=kind,
            created_at=at.isoformat(),
            legal_basis={"law": "BL", "paragraph": "108" if kind == "youth_plan" else "91"},
            goals=("Synthetic.",),
            measure_ids=measure_ids,
        )

    def aftercare_decided(self, at: datetime, *, granted: bool = True) -> Event[Contract]:
        return self.of(
            "dk.casehub.decision.aftercare-decided",
            at,
            decision_id="ac-1",
            decided_at=at.isoformat(),
            legal_basis={"law": "SEL", "paragraph": "68", "stk": 12},
            granted=granted,
            forms=("contact_person",) if granted else (),
            reasoning="Synthetic.",
        )

    def measure_decided(self, at: datetime, kind: str, **changes: Any) -> Event[Contract]:
        fields = {
            "decision_id": "d-1",
            "measure_id": "m-1",
            "decided_at": at.isoformat(),
            "kind": kind,
            "legal_basis": _BL,
            "period": {"start": at.date().isoformat()},
            "consent": kind != "placement_without_consent",
            "reasoning": "Synthetic.",
            **changes,
        }
        return self.of("dk.casehub.decision.measure-decided", at, **fields)

    def measure_started(self, at: datetime, measure_id: str = "m-1") -> Event[Contract]:
        return self.of(
            "dk.casehub.measure.started",
            at,
            measure_id=measure_id,
            decision_id="d-1",
            started_on=at.date().isoformat(),
        )

    def letter_requested(self, at: datetime, decision_id: str | None) -> Event[Contract]:
        return self.of(
            "dk.casehub.letter.requested",
            at,
            letter_id="l-1",
            recipient_cpr=CHILD,
            purpose="decision" if decision_id else "meeting",
            decision_id=decision_id,
            title="Synthetic",
            body="Synthetic.",
        )

    def letter_delivered(self, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.letter.delivered",
            at,
            letter_id="l-1",
            delivered_at=at.isoformat(),
            channel="digital_post",
            message_uuid=str(uuid.uuid4()),
        )

    def appeal(self, received_on: str, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.reporting.appeal-forwarded",
            at,
            appeal_id="a-1",
            decision_id="d-1",
            received_on=received_on,
            forwarded_at=at.isoformat(),
            upheld_after_review=True,
            summary="Synthetic.",
        )

    def statistics_reported(self, at: datetime, subject_id: str) -> Event[Contract]:
        return self.of(
            "dk.casehub.reporting.statistics-reported",
            at,
            report_id=f"r-{uuid.uuid4().hex[:6]}",
            kind="placement",
            subject_id=subject_id,
            reported_at=at.isoformat(),
            format_version="2026-07",
            form=1,
            event_code=0,
            event_date=at.date().isoformat(),
            legal_basis={"law": "BL", "paragraph": "46"},
        )

    def statistics_report(
        self, at: datetime, subject_id: str, event_code: int = 0
    ) -> Event[Contract]:
        """A placement report made at ``at`` (the statistics adapter's own time)."""
        return self.of(
            "dk.casehub.reporting.statistics-reported",
            at,
            report_id=f"r-{uuid.uuid4().hex[:6]}",
            kind="placement",
            subject_id=subject_id,
            reported_at=at.isoformat(),
            format_version="2026-07",
            form=1 if event_code == 0 else 2,
            event_code=event_code,
            event_date=at.date().isoformat(),
            legal_basis={"law": "BL", "paragraph": "46"},
        )

    def notification_report(self, at: datetime, notification_id: str) -> Event[Contract]:
        return self.of(
            "dk.casehub.reporting.statistics-reported",
            at,
            report_id=f"r-{uuid.uuid4().hex[:6]}",
            kind="notification",
            subject_id=notification_id,
            reported_at=at.isoformat(),
            format_version="2026-07",
            event_date=at.date().isoformat(),
            legal_basis={"law": "BL", "paragraph": "133"},
        )

    def receipt_sent(self, notification_id: str, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.notification.receipt-sent",
            at,
            notification_id=notification_id,
            sent_at=at.isoformat(),
            letter_id="l-receipt",
        )

    def investigation_started(self, at: datetime, aware_since: str) -> Event[Contract]:
        return self.of(
            "dk.casehub.investigation.started",
            at,
            investigation_id="i-1",
            started_at=at.isoformat(),
            aware_since=aware_since,
            legal_basis={"law": "BL", "paragraph": "20"},
            reason="Synthetic.",
        )

    def provisional_assessment(self, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.investigation.provisional-assessment-recorded",
            at,
            investigation_id="i-1",
            recorded_at=at.isoformat(),
            expected_completion=(at + timedelta(days=30)).date().isoformat(),
            assessment="Synthetic.",
        )

    def follow_up(self, at: datetime, measure_id: str = "m-1") -> Event[Contract]:
        return self.of(
            "dk.casehub.measure.follow-up-completed",
            at,
            measure_id=measure_id,
            completed_at=at.isoformat(),
            finding="continue",
            notes="Synthetic.",
        )

    def measure_changed(self, at: datetime, change: str = "placement_place") -> Event[Contract]:
        return self.of(
            "dk.casehub.measure.changed",
            at,
            measure_id="m-1",
            changed_on=at.date().isoformat(),
            change=change,
            reason="Synthetic.",
        )

    def measure_ended(self, at: datetime, measure_id: str = "m-1") -> Event[Contract]:
        return self.of(
            "dk.casehub.measure.ended",
            at,
            measure_id=measure_id,
            ended_on=at.date().isoformat(),
            ending="goal_reached",
        )

    def case_closed(self, at: datetime) -> Event[Contract]:
        return self.of(
            "dk.casehub.case.closed",
            at,
            closed_at=at.isoformat(),
            closure="no_further_action",
            note="Synthetic.",
        )

    def committee(self, at: datetime, *, urgent: bool) -> Event[Contract]:
        return self.of(
            "dk.casehub.decision.committee-decided",
            at,
            decision_id=f"cd-{uuid.uuid4().hex[:6]}",
            decided_at=at.isoformat(),
            urgent=urgent,
            legal_basis={"law": "BL", "paragraph": "47"},
            outcome="approved" if urgent else "chair_decision_upheld",
            reasoning="Synthetic.",
        )
