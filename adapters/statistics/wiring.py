"""The statistics reporter on the bus: trigger events in, reports out, outcomes published.

For each event ``reports.draft_for`` reports, it builds the report (format version of the
day, 4-week clock checked), sends it, and publishes ``StatisticsReported`` (a transfer of
the case's responsibility: ``TransferReported``), plus ``StatisticsReportedLate`` when the
clock had run out, or, when DST refuses it, ``StatisticsRejected``. A second, different
event about an occurrence already reported becomes a correction naming the earlier report;
nothing is overwritten.

``CaseOpened`` reports nothing: the reporter remembers the case's child, whom every
placement record names. An event that cannot be reported yet is held in the memory (the
group's state in Kafka, durable before the record's offset is committed; once per event
id) and reported, in arrival order, right after what it waits for: a measure event after
its decision, a placement event after its case's ``CaseOpened``
(``reports.ChildNotYetKnownError``). It is not raised as transient: what it waits for comes
on another topic, at any time, and a retry would spend attempts (and the breaker's patience)
on waiting, then quarantine a record that only came early.
A placement whose ``CaseOpened`` never comes stays held (logged as ``statistics_held``); the
deadline engine's ``statistics.placement-*`` clock, met only by ``StatisticsReported``, runs
out and ``casehub deadlines status`` shows it missed.
Unavailable and refused receivers raise, for the delivery policy to retry or pause. Logs
carry ids only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable

import structlog

from adapters.statistics.format import Report
from adapters.statistics.memory import Memory
from adapters.statistics.port import ReportRejectedError, StatisticsReceiver
from adapters.statistics.reports import (
    TRANSFER,
    ChildNotYetKnownError,
    Draft,
    MeasureNotYetKnownError,
    build_report,
    draft_for,
    facts_of,
)
from adapters.statistics.yearly import supporting_of
from contracts.base import Contract
from contracts.case import CaseOpened
from contracts.decision import MeasureDecided
from contracts.envelope import Event, follow_up
from contracts.measures import (
    MeasureChange,
    MeasureChanged,
    MeasureEnded,
    MeasureStarted,
)
from contracts.reporting import (
    PlacementEvent,
    PlacementForm,
    ReportKind,
    StatisticsRejected,
    StatisticsReported,
    StatisticsReportedLate,
    TransferReported,
)
from hub.runtime.codec import revive_event
from hub.runtime.seams import Handler, Publish
from hub.runtime.state import in_task

__all__ = ["NAME", "build_statistics_reporter"]

NAME = "statistics"

log = structlog.get_logger(__name__)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def build_statistics_reporter(
    client: StatisticsReceiver,
    publish: Publish,
    *,
    source: str,
    memory: Memory,
    clock: Callable[[], dt.datetime] = _utc_now,
) -> Handler:
    """The reporter; ``memory`` is on the statistics group's stores (``memory.STORES``)."""
    return _Reporter(client, publish, source, memory, clock).handle


class _Reporter:
    def __init__(
        self,
        client: StatisticsReceiver,
        publish: Publish,
        source: str,
        memory: Memory,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._client = client
        self._publish = publish
        self._source = source
        self._memory = memory
        self._clock = clock

    async def handle(self, event: Event[Contract]) -> None:
        data = event.data
        if isinstance(data, CaseOpened):
            await self._case_opened(event, data)
            return
        if isinstance(data, MeasureDecided):
            self._memory.remember_measure(facts_of(data))
            if not facts_of(data).placement:  # reported yearly (adapters.statistics.yearly)
                self._memory.remember_supporting(supporting_of(event.envelope, data))
        ids = {"event_id": event.envelope.id, "case_id": event.envelope.caseid}
        try:
            draft = draft_for(event, self._memory)
            self._ran(data)
        except MeasureNotYetKnownError:
            measure_id = str(getattr(data, "measure_id", ""))
            self._memory.hold(measure_id, event.envelope.id, event.model_dump_json())
            log.info("statistics_held", waits_for="decision", **ids)
            return
        except ChildNotYetKnownError:
            # Not returned from: a decision held here still releases its measure's events,
            # which are then held for the case's child in turn, behind it.
            envelope = event.envelope
            self._memory.hold_for_case(envelope.caseid, envelope.id, event.model_dump_json())
            log.info("statistics_held", waits_for="case_opened", **ids)
            draft = None
        if draft is not None:
            await self._report(event, draft)
        if isinstance(data, MeasureDecided):
            # Held where they came, maybe under another case (another task): handled there.
            for task, held_id, held_json in self._memory.held_anywhere(data.measure_id):
                with in_task(task):
                    await self.handle(revive_event(json.loads(held_json)))
                    self._memory.release(data.measure_id, held_id)

    def _ran(self, data: Contract) -> None:
        """A supporting measure's actual first or last day (a placement's is reported)."""
        if isinstance(data, MeasureStarted):
            self._memory.supporting_ran(data.measure_id, started_on=data.started_on)
        elif isinstance(data, MeasureEnded):
            self._memory.supporting_ran(data.measure_id, ended_on=data.ended_on)

    async def _case_opened(self, event: Event[Contract], data: CaseOpened) -> None:
        """Remember the case's child, then report what waited for it, oldest first.

        A held event is forgotten only once it is handled, so a failure part-way (DST
        unavailable) leaves the rest held and the ``CaseOpened`` is retried; what was
        reported already is recognised by its report id.
        """
        case_id = event.envelope.caseid
        self._memory.remember_child(case_id, data.child_cpr)
        held = self._memory.held_for_case(case_id)
        for held_id, held_json in held:
            await self.handle(revive_event(json.loads(held_json)))
            self._memory.release_for_case(case_id, held_id)
        log.info(
            "statistics_child_known",
            event_id=event.envelope.id,
            case_id=case_id,
            released=len(held),
        )

    async def _report(self, event: Event[Contract], draft: Draft) -> None:
        previous = self._memory.last_report(draft.occurrence)
        corrects = None
        if previous is not None and previous[1] != event.envelope.id:
            corrects = previous[0]
        now = self._clock()
        built = build_report(draft, event=event, now=now, corrects=corrects)
        ids = {"event_id": event.envelope.id, "case_id": event.envelope.caseid}
        try:
            accepted = await self._client.send(built)
        except ReportRejectedError as exc:
            rejected = StatisticsRejected(
                report_id=built.report_id, rejected_at=now, codes=exc.codes
            )
            await self._publish(follow_up(event, rejected, source=self._source))
            log.warning("statistics_rejected", report_id=built.report_id, codes=exc.codes, **ids)
            return
        self._memory.remember_report(draft.occurrence, built.report_id, event.envelope.id)
        self._consent_given(event.data)
        outcomes = _outcomes(draft, built, accepted.received_at, now)
        for outcome in outcomes:
            await self._publish(follow_up(event, outcome, source=self._source))
        log.info(
            "statistics_reported",
            report_id=built.report_id,
            corrects=corrects,
            late=len(outcomes) > 1,
            duplicate=accepted.duplicate,
            format_version=built.format_version,
            **ids,
        )

    def _consent_given(self, data: Contract) -> None:
        """After a without → with consent change, later reports carry the consent."""
        if isinstance(data, MeasureChanged) and data.change is MeasureChange.CONSENT:
            facts = self._memory.measure(data.measure_id)
            if facts is not None:
                self._memory.remember_measure(dataclasses.replace(facts, consent=True))


def _outcomes(
    draft: Draft, built: Report, received_at: dt.datetime, now: dt.datetime
) -> list[Contract]:
    """What to publish: the report, and ``StatisticsReportedLate`` when it was late.

    The report is ``StatisticsReported``, or ``TransferReported`` for a transfer.
    """
    reported: Contract
    if draft.kind == TRANSFER:
        reported = TransferReported(
            report_id=built.report_id,
            handover_id=draft.subject_id,
            reported_at=received_at,
            format_version=built.format_version,
            event_date=draft.event_date,
            legal_basis=draft.legal_basis,
            corrects=built.corrects,
        )
    else:
        reported = _reported(draft, built, received_at)
    timeliness = getattr(built.record, "timeliness", None)
    if timeliness is None or not timeliness.late:
        return [reported]
    overdue = StatisticsReportedLate(
        report_id=built.report_id,
        rule_id=timeliness.rule_id,
        due_at=timeliness.due_at,
        reported_at=now,
    )
    return [reported, overdue]


def _reported(draft: Draft, built: Report, received_at: dt.datetime) -> StatisticsReported:
    kind = draft.kind
    if not isinstance(kind, ReportKind):  # pragma: no cover - a transfer is TransferReported
        raise TypeError(kind)
    return StatisticsReported(
        report_id=built.report_id,
        kind=kind,
        subject_id=draft.subject_id,
        reported_at=received_at,
        format_version=built.format_version,
        form=None if draft.form is None else PlacementForm(draft.form),
        event_code=None if draft.event_code is None else PlacementEvent(draft.event_code),
        event_date=draft.event_date,
        legal_basis=draft.legal_basis,
        corrects=built.corrects,
    )
