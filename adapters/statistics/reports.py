"""From canonical events to DST reports: which events are reported, on which form and code.

=======================================  ====  ====  ===================================
event                                    form  code  4-week rule (``hub.clock``)
=======================================  ====  ====  ===================================
NotificationReceived                     -     -     none: reported continuously
MeasureDecided, placement §46/§47        1     0     statistics.placement-decision
MeasureDecided, young person §49         3     6     statistics.placement-decision
MeasureStarted (placement)               2/3   0     statistics.placement-start
MeasureChanged placement_place           2/3   1     statistics.placement-event
MeasureChanged consent (child)           2     2     statistics.placement-event
FollowUpCompleted (child placement)      2     3     statistics.placement-follow-up
CommitteeDecision on a placement         2     4     statistics.placement-committee
MeasureEnded (placement)                 2/3   5     statistics.placement-end
AftercareDecided                         3     6     statistics.aftercare-decision
HandoverAccepted (case received)         -     -     statistics.responsibility-transfer
=======================================  ====  ====  ===================================

The clock of each code is the rule of ``hub.clock`` in the table, which the report's
``timeliness`` names: the deadline engine sets it from the same event, and the
``StatisticsReported`` (``TransferReported``) published here meets it. An aftercare
decision names no measure: it is the case's.
The municipality that accepts a handover reports receiving the case's responsibility (a
``transfer`` record, BL §132); the old municipality's placement ends with its own
``MeasureEnded`` (code 5).

Form 3 is for a young person's placement (døgnophold, aftercare 18-22); forms 1 and 2 for a
child's. A report's id derives from its triggering event's id, so a redelivered event gives
the same report, which the receiver recognises.

Every placement record names the child by CPR number, which no placement or measure event
carries: the child of a case is its ``CaseOpened``'s ``child_cpr``, kept in the memory.
Only ``CaseOpened`` says who a case is about. A ``NotificationReceived`` may be registered
on an expectant mother, and a ``PersonResolved`` answers a lookup of anyone (a parent, a
custody holder), so neither is taken as the placed child; a placement is never reported on
a parent's number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from adapters.statistics.format import Report, validate_report
from adapters.statistics.memory import Memory, PlacementFacts
from adapters.statistics.versions import version_for
from contracts.aftercare import AftercareDecided
from contracts.base import Contract
from contracts.cpr import Cpr
from contracts.decision import CommitteeDecision, MeasureDecided, MeasureKind
from contracts.envelope import Event
from contracts.handover import HandoverAccepted
from contracts.intake import NotificationReceived, NotifierKind
from contracts.legal import Law, LegalBasis
from contracts.measures import (
    FollowUpCompleted,
    MeasureChange,
    MeasureChanged,
    MeasureEnded,
    MeasureStarted,
)
from contracts.reporting import ReportKind
from hub.clock import RULES_BY_ID, due_times
from hub.clock.localtime import instant, local_date, start_of_day
from hub.runtime.errors import TransientError

__all__ = [
    "TRANSFER",
    "ChildNotYetKnownError",
    "Draft",
    "MeasureNotYetKnownError",
    "build_report",
    "draft_for",
    "facts_of",
    "notification_basis",
    "report_id_for",
]

_NAMESPACE: Final = uuid.UUID("0b6c3f4e-8a57-4d0c-9d0e-5f3a2c1b7e90")
_BL_FROM: Final = dt.date(2024, 1, 1)
_ACUTE_FROM: Final = "2026-07"  # the version that added ``acute`` to notification records
_DECISION: Final = "statistics.placement-decision"
_START: Final = "statistics.placement-start"
_EVENT: Final = "statistics.placement-event"
_END: Final = "statistics.placement-end"
_FOLLOW_UP: Final = "statistics.placement-follow-up"
_COMMITTEE: Final = "statistics.placement-committee"
_AFTERCARE: Final = "statistics.aftercare-decision"
_TRANSFER_RULE: Final = "statistics.responsibility-transfer"
TRANSFER: Final = "transfer"
"""The kind of a draft that reports a case's responsibility received (``TransferReported``)."""
_PARAGRAPHS: Final = {
    NotifierKind.PROFESSIONAL: ("153", "133"),
    NotifierKind.CITIZEN: ("154", "135"),
    NotifierKind.ANONYMOUS: ("154", "135"),
    NotifierKind.MUNICIPALITY: ("152", "132"),
}
"""Notifier kind → (SEL, BL) paragraph the notification was made under."""


class MeasureNotYetKnownError(TransientError):
    """A measure event arrived before its decision (the decision's topic may lag).

    The reporter holds such an event and reports it after the decision; raised to the
    delivery policy it would be retried, but the decision, a later record of the same
    case, would wait behind it.
    """


class ChildNotYetKnownError(TransientError):
    """A placement event of a case whose ``CaseOpened`` has not been seen (another topic).

    DST registers a placement on the child, so no report is made without it. The reporter
    holds such an event and reports it once the case's ``CaseOpened`` comes. Raised to the
    delivery policy it would be retried, but the ``CaseOpened``, a later record of the same
    case, would be parked behind it until the retries ran out and it was quarantined; and
    a wait for data is no outage to count towards the circuit breaker.
    """


@dataclass(frozen=True, slots=True)
class Draft:
    """What to report about one event, before it gets a version, an id and a clock.

    ``child`` is whom the record is registered on (the expectant mother when
    ``on_mother``); its digits are revealed only when the report is built.
    """

    kind: ReportKind | Literal["transfer"]
    occurrence: str  # what is reported; a second event about it is a correction
    subject_id: str
    event_date: dt.date
    legal_basis: LegalBasis
    record: dict[str, Any] = field(repr=False)
    form: int | None = None
    event_code: int | None = None
    clock: tuple[str, dt.datetime] | None = None  # rule id, when its clock starts
    acute: bool = field(default=False, repr=False)
    child: Cpr | None = field(default=None, repr=False)
    on_mother: bool = field(default=False, repr=False)


def report_id_for(event_id: str) -> str:
    """The report an event causes: the same id for a redelivery (UUID v5)."""
    return str(uuid.uuid5(_NAMESPACE, f"{event_id}/dst-report"))


def notification_basis(data: NotificationReceived) -> LegalBasis:
    """The duty the notification was made under, in the numbering of its date."""
    sel, bl = _PARAGRAPHS[data.notifier.kind]
    if local_date(data.received_at) < _BL_FROM:
        return LegalBasis(law=Law.SEL, paragraph=sel)
    return LegalBasis(law=Law.BL, paragraph=bl)


def facts_of(data: MeasureDecided) -> PlacementFacts:
    """What the reporter keeps of a decided measure."""
    return PlacementFacts(
        measure_id=data.measure_id,
        decision_id=data.decision_id,
        kind=data.kind,
        legal_basis=data.legal_basis,
        sel_basis=data.sel_basis,
        consent=data.consent,
    )


def draft_for(event: Event[Contract], memory: Memory) -> Draft | None:
    """The draft report for ``event``, or None when it is not reported.

    Raises:
        MeasureNotYetKnownError: a measure event whose decision has not been seen.
        ChildNotYetKnownError: a placement event whose case's child is not known yet.

    """
    draft = _draft(event, memory)
    if draft is None or draft.kind is ReportKind.NOTIFICATION:
        return draft
    child = memory.child_of(event.envelope.caseid)
    if child is None:
        msg = "placement event before its case's CaseOpened"
        raise ChildNotYetKnownError(msg)
    return dataclasses.replace(draft, child=child)


def _draft(  # noqa: PLR0911 - one branch per reported event type
    event: Event[Contract], memory: Memory
) -> Draft | None:
    data = event.data
    if isinstance(data, NotificationReceived):
        return _notification(data)
    if isinstance(data, MeasureDecided):
        return _decided(event.envelope.caseid, data)
    if isinstance(data, CommitteeDecision):
        return _committee(event.envelope.caseid, data, memory)
    if isinstance(data, AftercareDecided):
        return _aftercare(event.envelope.caseid, data)
    if isinstance(data, HandoverAccepted):
        return _transfer(event.envelope.caseid, data)
    if isinstance(data, MeasureStarted | MeasureChanged | MeasureEnded | FollowUpCompleted):
        facts = memory.measure(data.measure_id)
        if facts is None:
            msg = "measure event before its decision"
            raise MeasureNotYetKnownError(msg)
        if not facts.placement:
            return None
        return _measure_event(event.envelope.caseid, data, facts)
    return None


def _notification(data: NotificationReceived) -> Draft:
    basis = notification_basis(data)
    record = {
        "kind": "notification",
        "notification_id": data.notification_id,
        "received_at": data.received_at.isoformat(),
        "notifier_relation": data.notifier.relation.value,
        "reasons": [reason.value for reason in data.reasons],
        "legal_basis": str(basis),
    }
    return Draft(
        kind=ReportKind.NOTIFICATION,
        occurrence=f"notification:{data.notification_id}",
        subject_id=data.notification_id,
        event_date=local_date(data.received_at),
        legal_basis=basis,
        record=record,
        acute=data.acute,
        child=data.registered_cpr,
        on_mother=data.unborn,
    )


def _placement(  # noqa: PLR0913 - the columns of one placement record
    case_id: str,
    facts: PlacementFacts,
    *,
    form: int,
    code: int,
    day: dt.date,
    clock: tuple[str, dt.datetime],
    occurrence: str,
    subject_id: str,
    provider_id: str | None = None,
    basis: LegalBasis | None = None,
    consent: bool | None = None,
) -> Draft:
    basis = basis or facts.legal_basis
    record = {
        "kind": "placement",
        "form": form,
        "event_code": code,
        "measure_ref": facts.measure_id or None,
        "case_ref": case_id,
        "event_date": day.isoformat(),
        "legal_basis": str(basis),
        "sel_basis": None if facts.sel_basis is None else str(facts.sel_basis),
        "consent": facts.consent if consent is None else consent,
        "provider_id": provider_id,
    }
    return Draft(
        kind=ReportKind.PLACEMENT,
        occurrence=occurrence,
        subject_id=subject_id,
        event_date=day,
        legal_basis=basis,
        record=record,
        form=form,
        event_code=code,
        clock=clock,
    )


def _decided(case_id: str, data: MeasureDecided) -> Draft | None:
    facts = facts_of(data)
    if not facts.placement:
        return None
    young = data.kind is MeasureKind.PLACEMENT_OF_YOUNG_PERSON
    return _placement(
        case_id,
        facts,
        form=3 if young else 1,
        code=6 if young else 0,
        day=local_date(data.decided_at),
        clock=(_DECISION, data.decided_at),
        occurrence=f"decision:{data.decision_id}",
        subject_id=data.decision_id,
        provider_id=None if data.provider is None else data.provider.provider_id,
    )


def _committee(case_id: str, data: CommitteeDecision, memory: Memory) -> Draft | None:
    facts = memory.measure_by_decision(data.decision_id)
    without_consent = (data.legal_basis.law, data.legal_basis.paragraph) in {
        (Law.BL, "47"),
        (Law.SEL, "58"),
    }
    if facts is None and not without_consent:
        return None
    if facts is not None and (not facts.placement or _young(facts)):
        return None
    known = facts or PlacementFacts(
        "",
        data.decision_id,
        MeasureKind.PLACEMENT_WITHOUT_CONSENT,
        data.legal_basis,
        None,
        consent=False,
    )
    return _placement(
        case_id,
        known,
        form=2,
        code=4,
        day=local_date(data.decided_at),
        clock=(_COMMITTEE, data.decided_at),
        occurrence=f"committee:{data.decision_id}",
        subject_id=data.decision_id,
        basis=data.legal_basis,
    )


def _aftercare(case_id: str, data: AftercareDecided) -> Draft:
    """Code 6 on form 3, granted or not; it names the case's decision, not a measure."""
    day = local_date(data.decided_at)
    record = {
        "kind": "placement",
        "form": 3,
        "event_code": 6,
        "measure_ref": None,
        "case_ref": case_id,
        "event_date": day.isoformat(),
        "legal_basis": str(data.legal_basis),
        "sel_basis": None,
        "consent": None,
        "provider_id": None,
    }
    return Draft(
        kind=ReportKind.PLACEMENT,
        occurrence=f"aftercare:{data.decision_id}",
        subject_id=data.decision_id,
        event_date=day,
        legal_basis=data.legal_basis,
        record=record,
        form=3,
        event_code=6,
        clock=(_AFTERCARE, data.decided_at),
    )


def _transfer(case_id: str, data: HandoverAccepted) -> Draft:
    """The case's responsibility received: a ``transfer`` record by the new municipality."""
    day = local_date(data.accepted_at)
    basis = (
        LegalBasis(law=Law.SEL, paragraph="152")
        if day < _BL_FROM
        else LegalBasis(law=Law.BL, paragraph="132")
    )
    record = {
        "kind": "transfer",
        "handover_ref": data.handover_id,
        "case_ref": case_id,
        "event_date": day.isoformat(),
        "legal_basis": str(basis),
    }
    return Draft(
        kind=TRANSFER,
        occurrence=f"transfer:{data.handover_id}",
        subject_id=data.handover_id,
        event_date=day,
        legal_basis=basis,
        record=record,
        clock=(_TRANSFER_RULE, data.accepted_at),
    )


def _young(facts: PlacementFacts) -> bool:
    return facts.kind is MeasureKind.PLACEMENT_OF_YOUNG_PERSON


def _measure_event(
    case_id: str,
    data: MeasureStarted | MeasureChanged | MeasureEnded | FollowUpCompleted,
    facts: PlacementFacts,
) -> Draft | None:
    form = 3 if _young(facts) else 2
    measure = facts.measure_id
    provider_id: str | None = None
    consent: bool | None = None
    if isinstance(data, MeasureStarted):
        code, day, rule, occurrence = 0, data.started_on, _START, f"start:{measure}"
        provider_id = None if data.provider is None else data.provider.provider_id
    elif isinstance(data, MeasureEnded):
        code, day, rule, occurrence = 5, data.ended_on, _END, f"end:{measure}"
    elif isinstance(data, FollowUpCompleted):
        if _young(facts):
            return None
        day = local_date(data.completed_at)
        code, rule, occurrence = 3, _FOLLOW_UP, f"follow-up:{measure}:{day}"
    elif data.change is MeasureChange.PLACEMENT_PLACE:
        code, day, rule = 1, data.changed_on, _EVENT
        occurrence = f"place:{measure}:{day}"
        provider_id = None if data.provider is None else data.provider.provider_id
    elif data.change is MeasureChange.CONSENT and not _young(facts):
        code, day, rule, consent = 2, data.changed_on, _EVENT, True
        occurrence = f"consent:{measure}:{day}"
    else:
        return None
    return _placement(
        case_id,
        facts,
        form=form,
        code=code,
        day=day,
        clock=(rule, start_of_day(day)),
        occurrence=occurrence,
        subject_id=measure,
        provider_id=provider_id,
        consent=consent,
    )


def build_report(
    draft: Draft,
    *,
    event: Event[Contract],
    now: dt.datetime,
    corrects: str | None = None,
) -> Report:
    """The report for ``draft`` made at ``now``, validated before it leaves.

    It is written in the version in force at ``now``, and the 4-week clock is checked
    against ``now``. The CPR number of ``draft.child`` is revealed here, for the wire only.

    Raises:
        FormatError: the report does not satisfy its format (a bug here, never the data's;
            a placement draft without its child is ``CHILD_MISSING``).

    """
    version = version_for(now)
    record = dict(draft.record)
    if draft.child is not None:
        record["child"] = {"cpr": draft.child.reveal()}
        if draft.kind is ReportKind.NOTIFICATION:
            record["child"]["registered_on_mother"] = draft.on_mother
    if draft.kind is ReportKind.NOTIFICATION and version >= _ACUTE_FROM:
        record["acute"] = draft.acute
    if draft.clock is not None:
        rule_id, starts = draft.clock
        deadline = due_times(RULES_BY_ID[rule_id], starts)
        due = deadline.due_at
        if due is None:  # pragma: no cover - the statistics rules all have a due time
            raise AssertionError
        record["timeliness"] = {
            "rule_id": rule_id,
            "due_at": due.isoformat(),
            "late": instant(now) > instant(due),
        }
    payload = {
        "format_version": version,
        "report_id": report_id_for(event.envelope.id),
        "corrects": corrects,
        "municipality": event.envelope.municipality,
        "created_at": now.isoformat(),
        "record": record,
    }
    return validate_report(payload, (version,))
