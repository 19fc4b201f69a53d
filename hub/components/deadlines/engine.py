"""The durable deadline engine (issue 6): sets deadlines, meets, withdraws and times them out.

A hub component (``NAME``, routed ``EVENT_TYPES``) and a ticker:

- a trigger sets its rules' deadlines (``DeadlineSet``); the clock starts on the confirmed
  event the rule names (the appeal period on ``LetterDelivered``, never on the decision);
- a fulfilment meets the open deadlines of its case that it answers (``DeadlineMet``), or
  misses them when it happened after the due time; a decision misses the open deadlines
  that fall before it (the child heard, the plan for a placement without consent);
- an ending (``MeasureEnded``, ``CaseClosed``) withdraws the open deadlines of its case
  whose reason it removes (``DeadlineWithdrawn``), as each rule's ``withdrawn_by`` says;
- fulfilments and endings are kept (``hub.components.deadlines.early``): a deadline set after
  one was read is met or withdrawn at once (``DeadlineSet``, then ``DeadlineMet`` with the
  fulfilment's own time), since topics have no order between them;
- ``run_ticker`` marks deadlines ``DeadlineApproaching`` at their escalation time and
  ``DeadlineMissed`` once their due time (plus ``grace``) has passed.

Durability: every deadline lives in the state store (``hub.components.deadlines.statetopic``: a
compacted topic per municipality), read to its end before the engine handles an event or
ticks. A step is written to the store before its event is published and marked published
after the broker acknowledged it, so a restart in between publishes the same event (its
id derives from the deadline id and the status) and never a different one; the steps one
event takes a deadline (set, then met by a kept fulfilment) are written in one record.
Due times are stored, never recomputed. One engine instance per municipality runs the
ticker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import structlog

from contracts.base import Contract
from contracts.envelope import Event
from hub.clock.answer import steps_for
from hub.clock.endings import records_of
from hub.clock.fulfil import link_of
from hub.clock.recall import REMEMBERED, recalls_for, remember
from hub.clock.rules import RULES, RULES_BY_ID
from hub.clock.state import Status
from hub.clock.tracked import Step, Tracked, deadline_id
from hub.clock.triggers import deadlines_for
from hub.clock.workdays import DEFAULT_POLICY, CalendarPolicy
from hub.components.deadlines.early import Early, EarlyEvents, early_of
from hub.components.deadlines.reports import report_for
from hub.runtime.errors import HubError, TransientError
from hub.runtime.publisher import confirm_later
from hub.runtime.seams import Publish, StateStore

__all__ = [
    "EVENT_TYPES",
    "NAME",
    "REMEMBER_FOR",
    "Clock",
    "DeadlineEngine",
    "run_ticker",
    "utc_now",
]

NAME = "deadlines"
EVENT_TYPES = frozenset(
    {rule.trigger for rule in RULES}
    | {t for rule in RULES for t in rule.fulfilled_by}
    | {rule.before for rule in RULES if rule.before}
    | {w.event_type for rule in RULES for w in rule.withdrawn_by}
    | set(REMEMBERED)
)
"""Every type the engine consumes: triggers, fulfilments, decisions that cut deadlines off,
endings that withdraw them, and the events it remembers."""

REMEMBER_FOR = dt.timedelta(days=366)
"""How long a fulfilment or ending is kept for deadlines set after it was read: a year,
longer than a trigger should wait in retry or quarantine, and than a plan or an aftercare
decision is made ahead of the decision or placement it answers (docs/deadline-engine.md)."""

log = structlog.get_logger(__name__)

Clock = Callable[[], dt.datetime]
Key = tuple[str, str]  # (municipality, state key)


def utc_now() -> dt.datetime:
    """The real clock."""
    return dt.datetime.now(dt.UTC)


class DeadlineEngine:
    """The deadlines of the municipalities a hub serves, kept in a ``StateStore``."""

    def __init__(  # noqa: PLR0913 - each is a separate seam; all but two have defaults
        self,
        *,
        publish: Publish,
        store: StateStore,
        source: str,
        clock: Clock = utc_now,
        policy: CalendarPolicy = DEFAULT_POLICY,
        grace: dt.timedelta = dt.timedelta(seconds=5),
        remember_for: dt.timedelta = REMEMBER_FOR,
    ) -> None:
        self._publish = publish
        self._store = store
        self._source = source
        self._clock = clock
        self._policy = policy
        self._grace = grace  # lets a fulfilment on another partition arrive before a miss
        self._remember_for = remember_for
        self._lock = asyncio.Lock()
        self._ready = asyncio.Event()
        self._deadlines: dict[str, Tracked] = {}
        self._by_case: defaultdict[Key, list[str]] = defaultdict(list)
        self._facts: dict[Key, dict[str, Any]] = {}
        self._early = EarlyEvents()
        self._unfinished: set[str] = set()  # open, or with a step not yet published

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Read the whole state, publish what a previous run left unpublished, then serve.

        Raises:
            TransientError: the store could not be read or an event not published.

        """
        if self._ready.is_set():
            return
        async with self._lock:
            await self._store.start()
            for municipality, key, value in await self._store.load():
                self._restore(municipality, key, value)
            for key in sorted(self._unfinished):
                await self._flush(self._deadlines[key])
            self._ready.set()
        log.info("deadlines_loaded", open=len(self.open_deadlines()), kept=len(self._early))

    async def close(self) -> None:
        """Release the store."""
        await self._store.close()

    def _restore(self, municipality: str, key: str, value: bytes) -> None:
        try:
            parsed = json.loads(value)
            if parsed["record"] == "fact":
                self._facts[municipality, key] = dict(parsed["fields"])
            elif parsed["record"] == "early":
                self._early.add(Early.from_json(municipality, parsed))
            else:
                tracked = Tracked.from_json(parsed)
                if tracked.rule_id not in RULES_BY_ID:
                    raise KeyError(tracked.rule_id)  # noqa: TRY301 - one path for bad records
                self._keep(tracked)
        except (ValueError, KeyError, TypeError):
            log.warning("deadline_state_unreadable", municipality=municipality, key=key)

    def _keep(self, tracked: Tracked) -> None:
        if tracked.deadline_id not in self._deadlines:
            self._by_case[tracked.municipality, tracked.case_id].append(tracked.deadline_id)
        self._deadlines[tracked.deadline_id] = tracked
        if tracked.status.final and not tracked.pending:
            self._unfinished.discard(tracked.deadline_id)
        else:
            self._unfinished.add(tracked.deadline_id)

    # -- the component handler ---------------------------------------------------------

    async def handle(self, event: Event[Contract]) -> None:
        """Keep a fulfilment or ending, answer the open deadlines, then set new ones.

        Raises:
            EventDataError: a rule needs a field the event lacks (quarantined).
            TransientError: a fact from an earlier event is not there yet, or the store or
                the broker did not take a write (retried).

        """
        await self._ready.wait()
        envelope = event.envelope
        data = event.data.model_dump(mode="json")
        async with self._lock:
            await self._remember(envelope.municipality, envelope.caseid, envelope.type, data)
            data = self._recalled(envelope.municipality, envelope.caseid, envelope.type, data)
            await self._keep_early(event, data)
            for tracked in self._case_open(envelope.municipality, envelope.caseid):
                steps = steps_for(tracked, envelope.id, envelope.type, data, envelope.time)
                if steps:
                    await self._advance(tracked, *steps)
            for deadline in deadlines_for(envelope.type, data, envelope.time, self._policy):
                tracked = Tracked(
                    deadline_id=deadline_id(deadline.rule_id, envelope.id),
                    rule_id=deadline.rule_id,
                    municipality=envelope.municipality,
                    case_id=envelope.caseid,
                    correlation_id=envelope.correlationid,
                    trigger_event_id=envelope.id,
                    link=link_of(deadline.rule, data),
                    starts_at=deadline.starts_at,
                    due_at=deadline.due_at,
                    escalate_at=deadline.escalate_at,
                    steps=(),
                    records=records_of(deadline.rule, data),
                )
                known = self._deadlines.get(tracked.deadline_id)
                if known is not None:  # the trigger again: finish what was started
                    await self._flush(known)
                    continue
                step = Step(Status.SET, deadline.starts_at, envelope.id)
                await self._advance(tracked, step, *self._answered_early(tracked.with_step(step)))

    async def _remember(
        self, municipality: str, case_id: str, event_type: str, data: dict[str, Any]
    ) -> None:
        for key, fields in remember(event_type, data, case_id):
            if self._facts.get((municipality, key)) == fields:
                continue
            value = json.dumps({"record": "fact", "version": 1, "fields": fields}).encode()
            await self._store.write(municipality, key, value)
            self._facts[municipality, key] = fields

    def _recalled(
        self, municipality: str, case_id: str, event_type: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        for recall in recalls_for(event_type):
            key = recall.fact.key(data, case_id)
            fields = self._facts.get((municipality, key)) if key else None
            if fields is None and recall.required(data):
                msg = f"{event_type}: {recall.fact.source} has not been seen yet"
                raise TransientError(msg)
            data = {**data, **(fields or {})}
        return data

    async def _keep_early(self, event: Event[Contract], data: dict[str, Any]) -> None:
        """Keep a fulfilment or ending for deadlines set after it (``deadlines.early``)."""
        envelope = event.envelope
        if self._early.has(envelope.municipality, envelope.id):
            return  # a redelivery keeps its first expiry
        early = early_of(envelope, data, expires_at=self._clock() + self._remember_for)
        if early is None:
            return
        await self._store.write(early.municipality, early.key, early.to_json())
        self._early.add(early)

    def _answered_early(self, tracked: Tracked) -> tuple[Step, ...]:
        """The steps the case's kept events take a deadline just set: the earliest wins."""
        for early in self._early.of_case(tracked.municipality, tracked.case_id, self._clock()):
            if early.event_id == tracked.trigger_event_id:
                continue
            steps = steps_for(
                tracked, early.event_id, early.event_type, early.fields, early.happened_at
            )
            if steps:
                return steps
        return ()

    def _case_open(self, municipality: str, case_id: str) -> list[Tracked]:
        found = (self._deadlines[i] for i in self._by_case.get((municipality, case_id), ()))
        return [t for t in found if not t.status.final]

    # -- the ticker --------------------------------------------------------------------

    async def tick(self) -> int:
        """Publish what is unpublished, move open deadlines to now, drop expired kept events.

        Returns the number of steps taken. Raises ``TransientError`` as ``handle`` does.
        """
        await self._ready.wait()
        now = self._clock() - self._grace
        taken = 0
        async with self._lock:
            for key in sorted(self._unfinished):
                tracked = self._deadlines[key]
                if tracked.pending:
                    tracked = await self._flush(tracked)
                if tracked.status.final:
                    continue
                _, transitions = tracked.tracker().on_tick(now)
                for transition in transitions:
                    cause = tracked.trigger_event_id
                    await self._advance(tracked, Step(transition.status, transition.at, cause))
                    taken += 1
            for early in self._early.expired(self._clock()):
                await self._store.delete(early.municipality, early.key)
                self._early.discard(early)
        return taken

    # -- steps: store, publish, mark ---------------------------------------------------

    async def _advance(self, tracked: Tracked, *steps: Step) -> Tracked:
        """Record ``steps`` (in one write), publish their events, then record that they were."""
        for step in steps:
            tracked = tracked.with_step(step)
        await self._save(tracked)
        for step in steps:
            log.info(
                "deadline_step",
                deadline_id=tracked.deadline_id,
                rule_id=tracked.rule_id,
                status=step.status.value,
                case_id=tracked.case_id,
            )
        return await self._flush(tracked)

    async def _flush(self, tracked: Tracked) -> Tracked:
        for step in tracked.pending:
            report = report_for(tracked, step, source=self._source)
            pending: list[asyncio.Future[Any]] = []
            # Wait for the broker even inside a delivery: the step is marked published
            # only once it is, whatever the consumer's commit does later.
            with confirm_later(pending):
                await self._publish(report)
            await asyncio.gather(*pending)
            tracked = tracked.published(step.status)
            await self._save(tracked)
        return tracked

    async def _save(self, tracked: Tracked) -> None:
        await self._store.write(tracked.municipality, tracked.deadline_id, tracked.to_json())
        self._keep(tracked)

    # -- reading -----------------------------------------------------------------------

    def open_deadlines(self) -> list[Tracked]:
        """The deadlines not yet met, missed or withdrawn, earliest due first."""
        found = [t for t in self._deadlines.values() if not t.status.final]
        return sorted(found, key=lambda t: t.due_at)

    def deadline(self, deadline_id: str) -> Tracked | None:
        """One deadline by id (open or not), or None."""
        return self._deadlines.get(deadline_id)


async def run_ticker(
    engine: DeadlineEngine, *, interval_s: float = 1.0, retry_s: float = 5.0
) -> None:
    """Start the engine (load its state), then tick every ``interval_s`` until cancelled.

    A failure to load or to tick is logged and tried again after ``retry_s``: the state
    written so far stays, and the next tick picks up where this one stopped.
    """
    while True:
        try:
            await engine.start()
            break
        except Exception as exc:  # noqa: BLE001 - the ticker must outlive any one failure
            _log_failure("deadlines_start_failed", exc)
            await asyncio.sleep(retry_s)
    while True:
        pause = interval_s
        try:
            await engine.tick()
        except Exception as exc:  # noqa: BLE001 - the ticker must outlive any one failure
            _log_failure("deadlines_tick_failed", exc)
            pause = retry_s
        await asyncio.sleep(pause)


def _log_failure(event: str, exc: Exception) -> None:
    # Our errors' messages carry codes only; another library's might quote data.
    reason = str(exc) if isinstance(exc, HubError) else None
    log.warning(event, error=type(exc).__name__, reason=reason)
