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
- a handover's deadlines (``hub.components.deadlines.takeover``): ``DeadlinesTakenOver`` sets
  the package's open deadlines in the receiver's case (same due times), an accepted
  ``HandoverAnswered`` withdraws the sender's (``handed_over``);
- ``run_ticker`` marks deadlines ``DeadlineApproaching`` at their escalation time and
  ``DeadlineMissed`` once their due time (plus ``grace``) has passed.

Ownership and durability: the engine is partition-owned, as the rest of its group's state is
(``hub.runtime.state``). A case's records are keyed by its case id, so every event of a
case is in one task (its municipality's partition ``p``), and so is what the engine keeps
of it: its deadlines, its ``fact:`` and ``early:`` records, in the ``deadlines`` store of
the component's state table (the changelog ``<group>.state.<kommunekode>``, partition
``p``). The engine listens to the table: a task's records are decoded into its maps when
the task is restored and forgotten when it is dropped (under the engine's lock). The table
is gone before that lock is taken, so a tick under way that writes to the task fails
(``TaskMovedError``) and publishes nothing more of it; a step it made durable before is
published by the new owner with the same id. The ticker ticks the deadlines of the tasks
this instance owns only, so two engines in one consumer group never both time out one
deadline.

A fact keyed by a record (a measure's or a decision's kind, a letter's decision) may be
recalled from another case, on a task another instance owns: it is also kept in the
group's global table (``hub.runtime.state.global_table``), which every instance holds
whole. A recall looks in the event's task, the other tasks owned here, then the global
table; the engine flushes the global table before it publishes and before ``handle``
returns, so the delivery never commits a record whose global fact is not durable.

A step is recorded in its deadline's task and made durable (the table flushed) before its
event is published, and marked published after the broker acknowledged it, so a crash in
between publishes the same event (its id derives from the deadline id and the status) and
never a different one; the steps one event takes a deadline (set, then met by a kept
fulfilment) are recorded in one value. A step recorded on a task this instance no longer
owns is published by the task's new owner, not here. Due times are stored, never
recomputed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from contracts.base import Contract
from contracts.envelope import Event
from hub.clock.answer import steps_for
from hub.clock.endings import records_of
from hub.clock.fulfil import link_of
from hub.clock.recall import REMEMBERED, Fact, recalls_for, remember
from hub.clock.rules import RULES, RULES_BY_ID
from hub.clock.state import Status
from hub.clock.tracked import Step, Tracked, deadline_id
from hub.clock.triggers import deadlines_for
from hub.clock.workdays import DEFAULT_POLICY, CalendarPolicy
from hub.components.deadlines.early import Early, EarlyEvents, early_of
from hub.components.deadlines.reports import report_for
from hub.components.deadlines.takeover import ANSWERED, TAKEN_OVER, handed_over, taken_over
from hub.runtime.errors import HubError, TransientError
from hub.runtime.publisher import confirm_later
from hub.runtime.seams import Publish
from hub.runtime.state import GlobalStore, Store, Task, TaskMovedError, current_task

__all__ = [
    "EVENT_TYPES",
    "NAME",
    "REMEMBER_FOR",
    "STORE",
    "Clock",
    "DeadlineEngine",
    "run_ticker",
    "utc_now",
]

NAME = "deadlines"
STORE = "deadlines"
"""The engine's store in its component's state table (keys ``deadlines/<key>``)."""
EVENT_TYPES = frozenset(
    {rule.trigger for rule in RULES}
    | {t for rule in RULES for t in rule.fulfilled_by}
    | {rule.before for rule in RULES if rule.before}
    | {w.event_type for rule in RULES for w in rule.withdrawn_by}
    | set(REMEMBERED)
    | {ANSWERED, TAKEN_OVER}
)
"""Every type the engine consumes: triggers, fulfilments, decisions that cut deadlines off,
endings that withdraw them, the events it remembers, and a handover's takeover and answer."""

REMEMBER_FOR = dt.timedelta(days=366)
"""How long a fulfilment or ending is kept for deadlines set after it was read: a year,
longer than a trigger should wait in retry or quarantine, and than a plan or an aftercare
decision is made ahead of the decision or placement it answers (docs/deadline-engine.md)."""

_BY_RECORD = tuple(
    sorted(
        {f"fact:{fact.kind}:" for kept in REMEMBERED.values() for fact, _ in kept if fact.id_field}
    )
)
"""The key prefixes of the facts kept by a record, not by the case: also kept globally."""

log = structlog.get_logger(__name__)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The real clock."""
    return dt.datetime.now(dt.UTC)


@dataclass
class _Owned:
    """What the engine keeps in memory of one task it owns, decoded from its store."""

    deadlines: dict[str, Tracked] = field(default_factory=dict)
    by_case: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    early: EarlyEvents = field(default_factory=EarlyEvents)
    unfinished: set[str] = field(default_factory=set)  # open, or a step not yet published

    def keep(self, tracked: Tracked) -> None:
        if tracked.deadline_id not in self.deadlines:
            self.by_case[tracked.case_id].append(tracked.deadline_id)
        self.deadlines[tracked.deadline_id] = tracked
        if tracked.status.final and not tracked.pending:
            self.unfinished.discard(tracked.deadline_id)
        else:
            self.unfinished.add(tracked.deadline_id)

    def case_open(self, case_id: str) -> list[Tracked]:
        found = (self.deadlines[i] for i in self.by_case.get(case_id, ()))
        return [t for t in found if not t.status.final]


class DeadlineEngine:
    """The deadlines of the tasks this instance owns, kept in the engine's ``Store``.

    A ``TableListener`` of its component's state table (``StateTable.listen``).
    """

    def __init__(  # noqa: PLR0913 - each is a separate seam; all but three have defaults
        self,
        *,
        publish: Publish,
        store: Store,
        source: str,
        clock: Clock = utc_now,
        policy: CalendarPolicy = DEFAULT_POLICY,
        grace: dt.timedelta = dt.timedelta(seconds=5),
        remember_for: dt.timedelta = REMEMBER_FOR,
        shared: GlobalStore | None = None,
    ) -> None:
        self._publish = publish
        self._store = store
        self._shared = shared  # record-keyed facts, for recalls from any task
        self._source = source
        self._clock = clock
        self._policy = policy
        self._grace = grace  # lets a fulfilment on another partition arrive before a miss
        self._remember_for = remember_for
        self._lock = asyncio.Lock()
        self._owned: dict[Task, _Owned] = {}

    # -- ownership (the table's listener) ----------------------------------------------

    async def restored(self, task: Task, table: Mapping[str, bytes]) -> None:  # noqa: ARG002
        """Decode the task's records; the ticker publishes what a previous owner left.

        The records are read through the engine's store (its part of ``table``).
        """
        owned = _Owned()
        for key, value in self._store.items(task=task):
            _restore(owned, task, key, value)
        async with self._lock:
            self._owned[task] = owned
        log.info(
            "deadlines_restored",
            task=str(task),
            open=sum(not t.status.final for t in owned.deadlines.values()),
            unpublished=sum(bool(t.pending) for t in owned.deadlines.values()),
            kept=len(owned.early),
        )

    async def dropped(self, task: Task) -> None:
        """Forget the task (after a tick under way has ended): its new owner ticks it."""
        async with self._lock:
            self._owned.pop(task, None)

    @property
    def tasks(self) -> frozenset[Task]:
        """The tasks whose deadlines this engine keeps (and ticks)."""
        return frozenset(self._owned)

    # -- the component handler ---------------------------------------------------------

    async def handle(self, event: Event[Contract]) -> None:
        """Keep a fulfilment or ending, answer the open deadlines, then set new ones.

        Raises:
            EventDataError: a rule needs a field the event lacks (quarantined).
            TransientError: a fact from an earlier event is not there yet, the event's task
                is not this instance's, or the changelog or the broker did not take a
                write (retried).

        """
        envelope = event.envelope
        data = event.data.model_dump(mode="json")
        async with self._lock:
            task, owned = self._current()
            self._remember(owned, envelope.municipality, envelope.caseid, envelope.type, data)
            others = [o for t, o in sorted(self._owned.items()) if t != task]
            found = _Facts(owned, others, self._shared, envelope.municipality)
            data = _recalled(found, envelope.caseid, envelope.type, data)
            self._keep_early(owned, event, data)
            touched: list[str] = []  # the deadlines whose steps this event publishes
            for tracked in owned.case_open(envelope.caseid):
                steps = steps_for(tracked, envelope.id, envelope.type, data, envelope.time)
                if not steps and envelope.type == ANSWERED:
                    steps = handed_over(tracked, envelope.id, data)
                if steps:
                    self._record(task, owned, tracked, *steps)
                    touched.append(tracked.deadline_id)
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
                # The trigger again finishes what was started (publishes what is not yet).
                if tracked.deadline_id not in owned.deadlines:
                    step = Step(Status.SET, deadline.starts_at, envelope.id)
                    early = self._answered_early(owned, tracked.with_step(step))
                    self._record(task, owned, tracked, step, *early)
                touched.append(tracked.deadline_id)
            if envelope.type == TAKEN_OVER:
                for tracked in taken_over(envelope, data):
                    if tracked.deadline_id not in owned.deadlines:
                        step = Step(Status.SET, tracked.starts_at, envelope.id)
                        self._record(task, owned, tracked, step)
                    touched.append(tracked.deadline_id)
            if self._shared is not None:
                # Before the steps are published and the record committed (also when an
                # earlier attempt wrote the facts and only their flush failed).
                await self._shared.flush()
            await self._publish_pending(task, owned, [owned.deadlines[i] for i in touched])

    def _current(self) -> tuple[Task, _Owned]:
        task = current_task()
        if task is None:
            msg = "deadlines: an event handled outside its record's task"
            raise TransientError(msg)
        owned = self._owned.get(task)
        if owned is None:
            msg = f"deadlines: task {task} is not restored on this instance"
            raise TaskMovedError(msg)
        return task, owned

    def _remember(
        self, owned: _Owned, municipality: str, case_id: str, event_type: str, data: dict[str, Any]
    ) -> None:
        for key, fields in remember(event_type, data, case_id):
            value = json.dumps({"record": "fact", "version": 1, "fields": fields}).encode()
            if owned.facts.get(key) != fields:
                self._store.put(key, value)
                owned.facts[key] = fields
            shared = self._shared
            if (
                shared is not None
                and key.startswith(_BY_RECORD)
                and _decoded(shared.get(municipality, key)) != fields
            ):
                shared.put(municipality, key, value)

    def _keep_early(self, owned: _Owned, event: Event[Contract], data: dict[str, Any]) -> None:
        """Keep a fulfilment or ending for deadlines set after it (``deadlines.early``)."""
        envelope = event.envelope
        if owned.early.has(envelope.municipality, envelope.id):
            return  # a redelivery keeps its first expiry
        early = early_of(envelope, data, expires_at=self._clock() + self._remember_for)
        if early is None:
            return
        self._store.put(early.key, early.to_json())
        owned.early.add(early)

    def _answered_early(self, owned: _Owned, tracked: Tracked) -> tuple[Step, ...]:
        """The steps the case's kept events take a deadline just set: the earliest wins."""
        for early in owned.early.of_case(tracked.municipality, tracked.case_id, self._clock()):
            if early.event_id == tracked.trigger_event_id:
                continue
            steps = steps_for(
                tracked, early.event_id, early.event_type, early.fields, early.happened_at
            )
            if steps:
                return steps
        return ()

    # -- the ticker --------------------------------------------------------------------

    async def tick(self) -> int:
        """Publish what is unpublished, move open deadlines to now, drop expired kept events.

        Only the tasks this instance owns are ticked. Every step is recorded first, the
        table flushed, then the events published and marked, and the marks flushed.
        Returns the number of steps taken. Raises ``TransientError`` as ``handle`` does.
        """
        now = self._clock() - self._grace
        taken = 0
        async with self._lock:
            due: dict[Task, list[Tracked]] = {}
            for task, owned in sorted(self._owned.items()):
                try:
                    taken += self._record_due(task, owned, now, due)
                    for early in owned.early.expired(self._clock()):
                        self._store.delete(early.key, task=task)
                        owned.early.discard(early)
                except TaskMovedError:
                    continue  # dropped under way: its new owner ticks it
            # Every step (and expired deletion) durable before an event is published.
            await self._store.flush()
            for task, deadlines in due.items():
                try:
                    await self._publish_pending(task, self._owned[task], deadlines, flush=False)
                except TaskMovedError:
                    continue  # its new owner publishes them, with the same ids
            if due:
                await self._store.flush()  # the marks: not published again after a restart
        return taken

    def _record_due(
        self, task: Task, owned: _Owned, now: dt.datetime, due: dict[Task, list[Tracked]]
    ) -> int:
        """Record the steps the clock takes the task's deadlines to; collect the unpublished."""
        taken = 0
        for key in sorted(owned.unfinished):
            tracked = owned.deadlines[key]
            if not tracked.status.final:
                _, transitions = tracked.tracker().on_tick(now)
                cause = tracked.trigger_event_id
                steps = [Step(t.status, t.at, cause) for t in transitions]
                if steps:
                    tracked = self._record(task, owned, tracked, *steps)
                    taken += len(steps)
            if tracked.pending:
                due.setdefault(task, []).append(tracked)
        return taken

    # -- steps: record, flush, publish, mark -------------------------------------------

    def _record(self, task: Task, owned: _Owned, tracked: Tracked, *steps: Step) -> Tracked:
        """Record ``steps`` in one value of the task (durable at the next flush)."""
        for step in steps:
            tracked = tracked.with_step(step)
        self._save(task, owned, tracked)
        for step in steps:
            log.info(
                "deadline_step",
                deadline_id=tracked.deadline_id,
                rule_id=tracked.rule_id,
                status=step.status.value,
                case_id=tracked.case_id,
            )
        return tracked

    async def _publish_pending(
        self, task: Task, owned: _Owned, deadlines: Iterable[Tracked], *, flush: bool = True
    ) -> None:
        """Publish the unpublished steps of ``deadlines`` (of ``task``), then mark them.

        ``flush``: make the table durable first (the ticker flushed once for all).

        Raises:
            TaskMovedError: the task is no longer this instance's; nothing more is published.
            TransientError: the changelog or the broker did not take it (tried again later).

        """
        deadlines = [t for t in deadlines if t.pending]
        if not deadlines:
            return
        if flush:
            await self._store.flush()
        if task not in self._store.tasks:
            msg = f"deadlines: task {task} moved before its steps were published"
            raise TaskMovedError(msg)
        sent: list[tuple[Tracked, Step, list[asyncio.Future[Any]]]] = []
        for tracked in deadlines:
            for step in tracked.pending:
                pending: list[asyncio.Future[Any]] = []
                # Wait for the broker even inside a delivery: the step is marked published
                # only once it is, whatever the consumer's commit does later.
                with confirm_later(pending):
                    await self._publish(report_for(tracked, step, source=self._source))
                sent.append((tracked, step, pending))
        outcomes = await asyncio.gather(
            *(asyncio.gather(*pending) for _, _, pending in sent), return_exceptions=True
        )
        marked: dict[str, Tracked] = {}
        failed: BaseException | None = None
        for (tracked, step, _), outcome in zip(sent, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                failed = failed or outcome
                continue
            current = marked.get(tracked.deadline_id, tracked)
            marked[tracked.deadline_id] = current.published(step.status)
        for tracked in marked.values():
            self._save(task, owned, tracked)
        if failed is not None:
            msg = f"deadlines: an event was not acknowledged: {type(failed).__name__}"
            raise TransientError(msg) from None

    def _save(self, task: Task, owned: _Owned, tracked: Tracked) -> None:
        self._store.put(tracked.deadline_id, tracked.to_json(), task=task)
        owned.keep(tracked)

    # -- reading -----------------------------------------------------------------------

    def open_deadlines(self) -> list[Tracked]:
        """The deadlines of the owned tasks not yet met, missed or withdrawn, earliest due first."""
        found = [
            t for owned in self._owned.values() for t in owned.deadlines.values()
            if not t.status.final
        ]  # fmt: skip
        return sorted(found, key=lambda t: t.due_at)

    def deadline(self, deadline_id: str) -> Tracked | None:
        """One deadline of an owned task by id (open or not), or None."""
        for owned in self._owned.values():
            if deadline_id in owned.deadlines:
                return owned.deadlines[deadline_id]
        return None


def _restore(owned: _Owned, task: Task, key: str, value: bytes) -> None:
    try:
        parsed = json.loads(value)
        if parsed["record"] == "fact":
            owned.facts[key] = dict(parsed["fields"])
        elif parsed["record"] == "early":
            owned.early.add(Early.from_json(task.municipality, parsed))
        else:
            tracked = Tracked.from_json(parsed)
            if tracked.rule_id not in RULES_BY_ID:
                raise KeyError(tracked.rule_id)  # noqa: TRY301 - one path for bad records
            owned.keep(tracked)
    except (ValueError, KeyError, TypeError):
        log.warning("deadline_state_unreadable", task=str(task), key=key)


@dataclass(frozen=True)
class _Facts:
    """Where an event's facts are looked for: its task, the others owned here, the global table."""

    owned: _Owned
    others: Iterable[_Owned]
    shared: GlobalStore | None
    municipality: str

    def find(self, fact: Fact, key: str) -> dict[str, Any] | None:
        found = self.owned.facts.get(key)
        if found is not None:
            return found
        found = next((other.facts[key] for other in self.others if key in other.facts), None)
        if found is None and self.shared is not None and fact.id_field is not None:
            found = _decoded(self.shared.get(self.municipality, key))
        return found


def _decoded(value: bytes | None) -> dict[str, Any] | None:
    """A fact's fields from its stored value (None when absent or unreadable)."""
    if value is None:
        return None
    try:
        parsed = json.loads(value)
        return dict(parsed["fields"]) if parsed["record"] == "fact" else None
    except (ValueError, KeyError, TypeError):
        log.warning("deadline_fact_unreadable")
        return None


def _recalled(found: _Facts, case_id: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The event's data with the facts it recalls: from its own task, else another one.

    A fact keyed by a record (a measure, a decision, a letter) may come from another case
    than the one recalling it (DUBU's sub-processes are cases of their own, so a measure
    decided in one may start in another), and so from another task, which another instance
    may own. The engine looks in the other tasks this instance owns, then in the group's
    global table, which holds those facts of every task. One not there yet (its event not
    handled, or handled by another instance whose write this one's tail has not read yet)
    is waited for: retried, then quarantined (docs/deadline-engine.md).
    """
    for recall in recalls_for(event_type):
        key = recall.fact.key(data, case_id)
        fields = found.find(recall.fact, key) if key else None
        if fields is None and recall.required(data):
            msg = f"{event_type}: {recall.fact.source} has not been seen yet"
            raise TransientError(msg)
        data = {**data, **(fields or {})}
    return data


async def run_ticker(
    engine: DeadlineEngine, *, interval_s: float = 1.0, retry_s: float = 5.0
) -> None:
    """Tick every ``interval_s`` until cancelled (each tick: the tasks owned then).

    A failure to tick is logged and tried again after ``retry_s``: the state recorded so
    far stays, and the next tick picks up where this one stopped.
    """
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
