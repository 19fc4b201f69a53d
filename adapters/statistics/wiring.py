"""The statistics reporter on the bus: trigger events in, reports out, outcomes published.

For each event ``reports.draft_for`` reports, it builds the report (format version of the
day, 4-week clock checked), sends it, and publishes ``StatisticsReported`` (plus
``StatisticsReportedLate`` when the clock had run out) or, when DST refuses it,
``StatisticsRejected``. A second, different event about an occurrence already reported
becomes a correction naming the earlier report; nothing is overwritten. Unavailable and
refused receivers raise, for the delivery policy to retry or pause. Logs carry ids only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

import structlog

from adapters.statistics.memory import Memory, SqliteMemory
from adapters.statistics.port import ReportRejectedError, StatisticsReceiver
from adapters.statistics.reports import build_report, draft_for, facts_of
from contracts.base import Contract
from contracts.decision import CommitteeDecision, MeasureDecided
from contracts.envelope import Event, follow_up
from contracts.intake import NotificationReceived
from contracts.measures import (
    FollowUpCompleted,
    MeasureChange,
    MeasureChanged,
    MeasureEnded,
    MeasureStarted,
)
from contracts.reporting import (
    PlacementEvent,
    PlacementForm,
    StatisticsRejected,
    StatisticsReported,
    StatisticsReportedLate,
)
from hub.delivery import Handler

__all__ = ["NAME", "TRIGGERS", "build_statistics_reporter"]

NAME = "statistics"
TRIGGERS: tuple[type[Contract], ...] = (
    NotificationReceived,
    MeasureDecided,
    CommitteeDecision,
    MeasureStarted,
    MeasureChanged,
    FollowUpCompleted,
    MeasureEnded,
)
"""The contracts to route to this component."""

log = structlog.get_logger(__name__)
Publish = Callable[[Event[Contract]], Awaitable[str]]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def build_statistics_reporter(
    client: StatisticsReceiver,
    publish: Publish,
    *,
    source: str,
    memory: Memory | None = None,
    clock: Callable[[], dt.datetime] = _utc_now,
) -> Handler:
    """The reporter; ``memory`` should be a ``SqliteMemory`` file in the hub's state dir."""
    kept: Memory = memory if memory is not None else SqliteMemory()

    async def report(event: Event[Contract]) -> None:
        data = event.data
        if isinstance(data, MeasureDecided):
            kept.remember_measure(facts_of(data))
        draft = draft_for(event, kept)
        if draft is None:
            return
        previous = kept.last_report(draft.occurrence)
        corrects = None
        if previous is not None and previous[1] != event.envelope.id:
            corrects = previous[0]
        now = clock()
        built = build_report(draft, event=event, now=now, corrects=corrects)
        ids = {"event_id": event.envelope.id, "case_id": event.envelope.caseid}
        try:
            accepted = await client.send(built)
        except ReportRejectedError as exc:
            rejected = StatisticsRejected(
                report_id=built.report_id, rejected_at=now, codes=exc.codes
            )
            await publish(follow_up(event, rejected, source=source))
            log.warning("statistics_rejected", report_id=built.report_id, codes=exc.codes, **ids)
            return
        kept.remember_report(draft.occurrence, built.report_id, event.envelope.id)
        if isinstance(data, MeasureChanged) and data.change is MeasureChange.CONSENT:
            facts = kept.measure(data.measure_id)
            if facts is not None:
                kept.remember_measure(dataclasses.replace(facts, consent=True))
        reported = StatisticsReported(
            report_id=built.report_id,
            kind=draft.kind,
            subject_id=draft.subject_id,
            reported_at=accepted.received_at,
            format_version=built.format_version,
            form=None if draft.form is None else PlacementForm(draft.form),
            event_code=None if draft.event_code is None else PlacementEvent(draft.event_code),
            event_date=draft.event_date,
            legal_basis=draft.legal_basis,
            corrects=corrects,
        )
        await publish(follow_up(event, reported, source=source))
        timeliness = getattr(built.record, "timeliness", None)
        late = timeliness is not None and timeliness.late
        if timeliness is not None and late:
            overdue = StatisticsReportedLate(
                report_id=built.report_id,
                rule_id=timeliness.rule_id,
                due_at=timeliness.due_at,
                reported_at=now,
            )
            await publish(follow_up(event, overdue, source=source))
        log.info(
            "statistics_reported",
            report_id=built.report_id,
            corrects=corrects,
            late=late,
            duplicate=accepted.duplicate,
            format_version=built.format_version,
            **ids,
        )

    return report
