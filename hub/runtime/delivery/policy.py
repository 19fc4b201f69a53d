"""The failure taxonomy, applied to every record of one consumer group.

=====================================  ==============================================
what happened                          what the record becomes
=====================================  ==============================================
handled (or a duplicate, or not        done; the event id is remembered
routed to this group)
contract, permanent or unexpected      quarantined with its reason and original bytes
error                                  and headers; its case is parked behind it. A
                                       record too large for a whole copy gets a bounded
                                       one (no value; where to read the original)
another municipality or domain than    quarantined (``tenant_mismatch``, ``wrong_topic``),
its topic's                            never handled; its case is not held
sealed fields whose data key was       quarantined (``key_shredded``), never handled;
destroyed                              its case is not held (hub.runtime.crypto)
sealed fields that do not open         quarantined (``field_tampered``)
sealed fields whose data key is not    retried as a transient error, quarantined after the
here (yet)                             last attempt; never opens the circuit breaker
transient error                        parked for a retry after an exponential, jittered
                                       backoff; quarantined after the last attempt
a record to park (retry, follower)     quarantined (``RowTooLargeError``), its case
too large for the changelog            parked behind it: else no flush would succeed
authorisation error, or transient      the circuit breaker opens: the subscriber pauses
errors for longer than a threshold     and the record is delivered again on resume
a record of a parked case              parked behind the case's head, in arrival order
a replay of a case's quarantined head  takes the head's place and is handled next (one
                                       too large for a row: at once, else quarantined)
the outcome cannot be recorded (the    not committed: the consumer is rewound to it and
broker does not take the quarantine    it comes again after a pause (the retrier: its
copy, the store fails)                 head stays due and is tried after the pause)
=====================================  ==============================================

Size is never a reason for the last row: whatever its size or headers, a record that the
quarantine cannot take whole gets a bounded copy (``hub.runtime.quarantine``), so it cannot hold its
partition back for ever.

A case is parked per topic. Kafka keeps a case's records in order within a topic (the key
picks the partition); across topics there is no order to keep, and holding a record behind
one on another topic could wait for ever: a document that waits for its case's CaseOpened
would otherwise hold that very CaseOpened back.

The Kafka offset of a record is committed only after its outcome is durable: the follow-up
event acknowledged by the broker, the quarantine record acknowledged, or the parked row
written. Parked records are handled by ``run_retrier``, head first, in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import time
import traceback
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from typing import Any

import structlog
from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError

from contracts.base import Contract
from contracts.envelope import Event
from hub.runtime.codec import decode_record
from hub.runtime.crypto.datakeys import KeyShreddedError, KeyUnavailableError
from hub.runtime.delivery.backoff import Backoff
from hub.runtime.delivery.breaker import BreakerState, CircuitBreaker
from hub.runtime.delivery.store import DeliveryStore, ParkedState, RowTooLargeError, StoredRecord
from hub.runtime.delivery.tenancy import BoundaryError, check_boundary, check_claim
from hub.runtime.errors import (
    AuthorisationError,
    ContractError,
    HubError,
    PermanentError,
    TransientError,
)
from hub.runtime.metrics.calls import calling
from hub.runtime.metrics.flow import FlowMetrics, Outcome
from hub.runtime.metrics.registry import HubMetrics
from hub.runtime.publisher import confirm_later
from hub.runtime.quarantine import Quarantine
from hub.runtime.seams import Handler, KafkaConsumer
from hub.runtime.state.task import Task, in_task
from hub.runtime.tracing import Tracing

__all__ = ["REPLAY_HEADER", "Delivery", "stored_record"]

log = structlog.get_logger(__name__)

REPLAY_HEADER = "quarantine_replay_of"
"""Set by ``casehub quarantine replay``: the ``topic:partition:offset`` of the original."""

Accepts = Callable[[Event[Contract]], bool]
Decode = Callable[[Sequence[tuple[str, bytes | None]], bytes | None], Event[Contract]]
"""A record's headers and value to its validated event (``decode_record``)."""
_value = operator.itemgetter(1)


def stored_record(raw: Any) -> StoredRecord:  # noqa: ANN401 - aiokafka's ConsumerRecord
    """The parts of a consumed record the hub keeps."""
    return StoredRecord(
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        key=raw.key,
        value=raw.value,
        headers=_headers(raw.headers),
    )


def _headers(headers: Any) -> tuple[tuple[str, bytes], ...]:  # noqa: ANN401 - aiokafka's
    """The headers as pairs of name and bytes (a null value kept as empty bytes).

    Records rarely carry a null header value, so the common case is one C-level scan.
    """
    pairs = tuple(headers or ())
    if None in map(_value, pairs):
        return tuple((name, value or b"") for name, value in pairs)
    return pairs


class Delivery:
    """Runs one group's handler on each record and decides the record's one outcome."""

    def __init__(  # noqa: PLR0913 - each collaborator is a separate concern
        self,
        *,
        group: str,
        handler: Handler,
        store: DeliveryStore,
        quarantine: Quarantine,
        backoff: Backoff,
        breaker: CircuitBreaker,
        accepts: Accepts | None = None,
        clock: Callable[[], float] = time.time,
        commit_every: int = 500,
        commit_interval_s: float = 0.5,
        pause_s: float = 1.0,
        forget_every_s: float = 60.0,
        metrics: FlowMetrics | None = None,
        tracing: Tracing | None = None,
        decode: Decode = decode_record,
    ) -> None:
        self.group = group
        # Opens sealed fields, then validates, when field encryption is on (hub.runtime.crypto).
        self._decode = decode
        # Without the hub's, its counts go to a registry of its own that nothing serves.
        self.metrics = metrics or FlowMetrics(HubMetrics(), group)
        self._tracing = tracing or Tracing()
        # Per partition, the offset after the last record given an outcome (its lag).
        self.positions: dict[TopicPartition, int] = {}
        self._handler = handler
        self._store = store
        self._quarantine = quarantine
        self._backoff = backoff
        self.breaker = breaker
        self._accepts = accepts or (lambda _event: True)
        self._clock = clock
        self._pause_s = pause_s
        self._forget_every = forget_every_s
        self._last_forget = clock()
        self._wake = asyncio.Event()
        # Held while records are handled and their state written, so a rebalance waits
        # for the batch (or the retrier's round) to end before it commits and hands the
        # partitions over (``quiet``).
        self._busy = asyncio.Lock()
        # Set while a rebalance waits for ``quiet``: the batch stops after the record in
        # hand and leaves the rest uncommitted for the partitions' next owner (a batch of
        # slow calls would otherwise hold the whole group's rebalance for its length).
        self._yielding = False
        self._consumer: KafkaConsumer | None = None
        self._resume_task: asyncio.Task[None] | None = None
        # Offsets are committed in batches, explicitly (offset after the last record whose
        # outcome is durable, per partition), never the consumer's position: a record in
        # flight must not be committed by a commit from another task.
        self._done: dict[TopicPartition, int] = {}
        self._since_commit = 0
        self._last_commit = clock()
        self._commit_every = commit_every
        self._commit_interval = commit_interval_s
        # Follow-ups published by handlers on the subscriber's path are confirmed in a
        # batch before the commit; the events are marked processed only then.
        self._pending: list[asyncio.Future[Any]] = []
        self._handled: list[tuple[str, Task]] = []
        # Until then (and while a commit confirms them) their ids are kept here: a repeat
        # of one (an event sent twice in a row) has the first's outcome, as it would once
        # the store has the id, and is neither handled nor marked on its own.
        self._unconfirmed: set[str] = set()
        # The store is asked once per fetched batch (which of its events were handled,
        # which of its cases are parked), not once per record. These keep the answers
        # exact while the batch runs: ids marked processed since the question was asked,
        # and lanes parked since (the retrier only frees lanes, and a lane named here is
        # checked again before a record is parked behind it).
        self._marked: set[str] = set()
        self._lanes: set[tuple[str, str]] = set()

    @property
    def consumer(self) -> KafkaConsumer | None:
        """The consumer of the last batch; None before the first."""
        return self._consumer

    # the subscriber's path ------------------------------------------------------------

    async def on_batch(self, message: Any) -> None:  # noqa: ANN401 - FastStream's KafkaMessage
        """Decide the outcome of each record of a fetched batch, in order.

        Offsets are committed after the outcomes are durable, in batches (``commit_every``
        records or ``commit_interval_s``), so a crash redelivers at most one batch, whose
        already-processed events are recognised and passed over. When a record cannot get
        its outcome now (the breaker opened, or the hub could not record it), the consumer
        is rewound to it and to every later record of the batch.
        """
        self._consumer = getattr(message, "consumer", None)
        raw = message.raw_message
        with calling(self.metrics.metrics, self.metrics.component, self._tracing):
            await self._on_records(raw)

    async def _on_records(self, raw: Any) -> None:  # noqa: ANN401 - aiokafka's records
        async with self._busy:
            await self._batch(
                [stored_record(r) for r in (raw if isinstance(raw, tuple) else (raw,))]
            )

    async def _batch(self, fetched: list[StoredRecord]) -> None:
        # A partition given to another instance since the fetch: its new owner handles
        # these records (they were not committed here).
        records = [record for record in fetched if self._owned(record)]
        events = [self._decoded(record) for record in records]
        self._marked.clear()  # before the question: what is marked from now on is kept
        processed = self._store.processed_among(
            [e.envelope.id for e in events if isinstance(e, Event)]
        )
        self._lanes = self._store.parked_lanes({_case_of(r) for r in records})
        for index, record in enumerate(records):
            if self._yielding:
                self._rewind(records[index:])
                break
            try:
                handled = await self._one(record, events[index], processed)
            except Exception:
                self._rewind(records[index:])
                raise
            if not handled:
                self._rewind(records[index:])
                return
        if self._since_commit >= self._commit_every or self._commit_due():
            await self.commit()

    async def _one(
        self, record: StoredRecord, decoded: Event[Contract] | Exception, processed: set[str]
    ) -> bool:
        if self._open():
            self._pause()
            return False
        case = _case_of(record)
        if (case, record.topic) in self._lanes and self._store.is_parked(case, record.topic):
            await self._park_behind(record, case)
        else:
            with confirm_later(self._pending):
                if not await self._attempt(
                    record, case, attempt=1, seq=None, first=(decoded, processed)
                ):
                    return False  # the breaker opened: this record is the trial
        partition = TopicPartition(record.topic, record.partition)
        self._done[partition] = self.positions[partition] = record.offset + 1
        self._since_commit += 1
        self.metrics.received(record.topic)
        return True

    def _decoded(self, record: StoredRecord) -> Event[Contract] | Exception:
        """The record's event, or the error its decoding raised (its outcome in turn)."""
        try:
            return self._opened(record)
        except Exception as exc:  # noqa: BLE001 - raised again when the record's turn comes
            return exc

    def _opened(self, record: StoredRecord) -> Event[Contract]:
        """The record decoded (its sealed fields opened), once its claim fits its topic.

        A claimed municipality is checked first: a record on 101's topic naming 147 never
        has 147's data key looked up or used (``check_claim``).
        """
        check_claim(record.topic, record.headers)
        return self._decode(record.headers, record.value)

    def _rewind(self, records: list[StoredRecord]) -> None:
        """Make the consumer fetch ``records`` again: each partition from its earliest."""
        earliest: dict[tuple[str, int], StoredRecord] = {}
        for record in records:
            earliest.setdefault((record.topic, record.partition), record)
        for record in earliest.values():
            self.deliver_again(record)

    def deliver_again(self, record: StoredRecord) -> None:
        """Rewind the consumer to ``record``: it was not handled and must come again."""
        if self._consumer is not None:
            # A partition revoked meanwhile is fetched from its committed offset by its next
            # owner: nothing to rewind here.
            with contextlib.suppress(IllegalStateError):
                self._consumer.seek(TopicPartition(record.topic, record.partition), record.offset)

    async def commit(self) -> None:
        """Confirm the batch's follow-ups, remember its events, commit its offsets.

        When a follow-up was not acknowledged, nothing of the batch is committed: the
        consumer is rewound to the last committed offsets and the batch comes again (its
        follow-ups keep their ids, so consumers recognise the ones already published).
        """
        if self._consumer is None or not self._done:
            return
        offsets, self._done = self._done, {}
        pending, self._pending = self._pending, []
        handled, self._handled = self._handled, []
        self._since_commit = 0
        self._last_commit = self._clock()
        try:
            await asyncio.gather(*pending)
        except Exception as exc:  # noqa: BLE001 - any unconfirmed follow-up: the batch again
            # Not only a KafkaError: were any other failure let through, the offsets taken
            # out of ``_done`` above would be lost and a later commit would pass them over.
            log.warning("batch_not_confirmed", group=self.group, error=type(exc).__name__)
            # They come again, to be handled.
            self._unconfirmed.difference_update(event_id for event_id, _task in handled)
            for partition in offsets:
                committed = await self._consumer.committed(partition)
                self._consumer.seek(partition, committed or 0)
            return
        ids = [event_id for event_id, _task in handled]
        self._store.mark_processed_many(handled)
        self._marked.update(ids)
        self._unconfirmed.difference_update(ids)
        try:
            await self._store.flush()
        except TransientError as exc:
            # The state stays in memory and goes with the next flush; until then the
            # offsets are not committed (a crash redelivers the records).
            log.warning("state_not_flushed", group=self.group, reason=str(exc))
            for partition, offset in offsets.items():
                self._done[partition] = max(offset, self._done.get(partition, 0))
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as exc:  # revoked in a rebalance: the new owner redelivers
            log.warning("commit_failed", group=self.group, error=type(exc).__name__)

    def _commit_due(self) -> bool:
        return self._clock() - self._last_commit >= self._commit_interval

    def _owned(self, record: StoredRecord) -> bool:
        task = _task(record)
        # A record of a topic the hub does not name keeps no state: quarantined wherever.
        return not task.municipality or self._store.owns(task)

    def forget(self, partitions: Collection[TopicPartition]) -> None:
        """Drop the uncommitted offsets of ``partitions`` (revoked: their next owner has them).

        Called with the delivery held still, after its last commit: whatever that commit
        could not make durable comes again to the next owner, and is never committed here.
        """
        for partition in partitions:
            self._done.pop(partition, None)
            self.positions.pop(partition, None)
        if not self._done:
            self._since_commit = 0

    @contextlib.asynccontextmanager
    async def quiet(self) -> AsyncIterator[None]:
        """Hold the delivery still: no record is handled and no state written meanwhile.

        A batch under way stops after its current record (the rest is fetched again).
        """
        self._yielding = True
        try:
            async with self._busy:
                self._yielding = False
                yield
        finally:
            self._yielding = False

    async def _park_behind(self, record: StoredRecord, case: str) -> None:
        head = self._store.head(case, record.topic)
        replay_of = dict(record.headers).get(REPLAY_HEADER, b"").decode(errors="replace")
        if (
            head is not None
            and head.state is ParkedState.QUARANTINED
            and replay_of == head.record.ref
        ):
            # The replay takes its original's place at the head of the line, due now.
            try:
                self._store.replace_head(head.seq, record, reason="replayed from quarantine")
            except RowTooLargeError:
                await self._replay_now(record, case, head.seq)
                return
            log.info("replay_took_head", group=self.group, case_id=case, source=record.ref)
        else:
            if not await self._park(
                case, record, state=ParkedState.WAITING, attempt=0,
                due_at=0.0, reason="waits behind an earlier record of its case",
            ):  # fmt: skip
                self.metrics.decided(record.topic, Outcome.QUARANTINED)
            log.info("parked_behind", group=self.group, case_id=case, source=record.ref)
        self._wake.set()

    async def _replay_now(self, record: StoredRecord, case: str, seq: str) -> None:
        """A replay too large for a parked row: handled now, in its head's place.

        It is due at once in any case; a failure sends it back to the quarantine (the head
        stays, its case waits for the next replay), as no row can keep it for a retry.
        """
        task = _task(record)
        try:
            event = self._opened(record)
            check_boundary(record.topic, event)
            if not self._store.was_processed(event.envelope.id) and self._accepts(event):
                with in_task(task):
                    await self._handler(event)
            self._store.mark_processed(event.envelope.id, task)
            self.metrics.decided(record.topic, Outcome.HANDLED)
        except Exception as exc:  # noqa: BLE001 - its one outcome: the quarantine again
            # A foreign exception's text may quote its input: only the hub's own are kept.
            why = str(exc) if isinstance(exc, HubError) else f"unexpected {type(exc).__name__}"
            reason = f"replay too large to park, failed when handled at once: {why}"
            await self._quarantine.put(
                record, error=type(exc).__name__, reason=reason, group=self.group
            )
            self.metrics.decided(record.topic, Outcome.QUARANTINED)
            log.warning("replay_failed", group=self.group, case_id=case, source=record.ref,
                        error=type(exc).__name__)  # fmt: skip
            return
        self._store.remove(seq)
        self._wake.set()
        log.info("replay_handled_at_once", group=self.group, case_id=case, source=record.ref)

    # the retrier's path ---------------------------------------------------------------

    async def run_retrier(self) -> None:
        """Handle parked heads as they fall due, until cancelled."""
        with calling(self.metrics.metrics, self.metrics.component, self._tracing):
            await self._retry_forever()

    async def _retry_forever(self) -> None:
        while True:
            if self._open():
                await asyncio.sleep(max(0.05, self.breaker.seconds_until_trial))
                continue
            try:
                async with self._busy:
                    heads = await self._retry_round()
            except Exception as exc:  # noqa: BLE001 - the head stays due: tried after a pause
                log.warning("outcome_not_recorded", group=self.group, error=type(exc).__name__)
                await asyncio.sleep(self._pause_s)
                continue
            if heads:
                continue
            self._wake.clear()
            next_due = self._store.next_due_at()
            wait = 1.0 if next_due is None else min(1.0, max(0.0, next_due - self._clock()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _retry_round(self) -> int:
        """Commit what is due, try the heads that are due, make their outcomes durable."""
        if self._done and self._commit_due():
            await self.commit()
        if self._clock() - self._last_forget >= self._forget_every:
            self._last_forget = self._clock()
            self._store.forget_processed(self._clock())
        heads = self._store.due_heads(self._clock())
        for head in heads:
            if self._open() or self._yielding:
                break
            await self._attempt(head.record, head.case_id, attempt=head.attempt + 1, seq=head.seq)
        # The retrier's outcomes have no offset to wait for them: durable now, so a crash
        # after this does not handle a head twice. Should the flush fail, the change goes
        # with the next flush; a crash before that handles the head again on the next owner
        # (at least once; its calls carry the event's ids).
        await self._store.flush()
        return len(heads)

    # one attempt and its outcome ------------------------------------------------------

    async def _attempt(
        self,
        record: StoredRecord,
        case: str,
        *,
        attempt: int,
        seq: str | None,
        first: tuple[Event[Contract] | Exception, set[str]] | None = None,
    ) -> bool:
        """One try, in the record's trace (its consume span); see ``_try``."""
        with self._tracing.consuming(
            record.headers,
            topic=record.topic,
            partition=record.partition,
            component=self.metrics.component,
        ):
            return await self._try(record, case, attempt=attempt, seq=seq, first=first)

    async def _try(
        self,
        record: StoredRecord,
        case: str,
        *,
        attempt: int,
        seq: str | None,
        first: tuple[Event[Contract] | Exception, set[str]] | None = None,
    ) -> bool:
        """One try; True once the record has its outcome, False when an outage stopped it.

        ``first``: the record's first try, on the subscriber's path, with the batch's
        lookups (its decoding, or the error it raised; the batch's processed ids). The
        handler's follow-ups are confirmed with the batch, so the event is marked processed
        at the batch's commit, not here.
        """
        try:
            event = self._opened(record) if first is None else _or_raise(first[0])
            check_boundary(record.topic, event)
            event_id = event.envelope.id
            repeat = event_id in self._unconfirmed
            if first is None:
                seen = self._store.was_processed(event_id)
            else:
                seen = event_id in first[1] or event_id in self._marked
            task = _task(record)
            if not repeat and not seen and self._accepts(event):
                with in_task(task), self._tracing.span(f"handle {self.metrics.component}"):
                    await self._handler(event)
            if repeat:
                pass  # marked with its first copy, or handled again if that one comes again
            elif first is not None:
                self._handled.append((event_id, task))
                self._unconfirmed.add(event_id)
            else:
                self._store.mark_processed(event_id, task)
                self._marked.add(event_id)
        except Exception as exc:  # noqa: BLE001 - every failure gets exactly one outcome
            return await self._failed(exc, record, case, attempt=attempt, seq=seq)
        else:
            self.breaker.success()
            self.metrics.decided(record.topic, Outcome.HANDLED)
            if seq is not None:
                self._store.remove(seq)
                self._wake.set()
        return True

    async def _failed(
        self, exc: Exception, record: StoredRecord, case: str, *, attempt: int, seq: str | None
    ) -> bool:
        """The failure taxonomy: which outcome a failed attempt gets (see the module doc)."""
        if isinstance(exc, AuthorisationError) or (
            # A data key not here yet is this record's, not a system's outage: a forged key
            # id must not be able to pause the group (it is retried, then quarantined).
            isinstance(exc, TransientError)
            and not isinstance(exc, KeyUnavailableError)
            and self.breaker.failure(error=type(exc).__name__)
        ):
            if isinstance(exc, AuthorisationError):
                self.breaker.failure(authorisation=True, error=type(exc).__name__)
            self._outage(exc)
            return False
        if isinstance(exc, TransientError):
            if self._backoff.exhausted(attempt):
                reason = f"gave up after {attempt} attempts: {exc}"
                await self._to_quarantine(record, case, seq, exc, reason)
            else:
                await self._retry_later(record, case, seq, attempt, exc)
        elif isinstance(exc, BoundaryError | KeyShreddedError):
            # Quarantined without holding its case: the record is foreign, and a producer
            # must not be able to block another municipality's case by naming its key; or
            # its key is destroyed, so no replay could ever free the case behind it.
            await self._to_quarantine(record, case, seq, exc, str(exc), hold_case=False)
        elif isinstance(exc, ContractError | PermanentError):
            await self._to_quarantine(record, case, seq, exc, str(exc))
        else:
            # A bug must not block the partition. A foreign exception's text may quote its
            # input (a name, a CPR number): the type and the line are logged, not the text.
            log.error(
                "handler_bug", group=self.group, error=type(exc).__name__, where=_innermost(exc)
            )
            reason = f"unexpected {type(exc).__name__} in handler"
            await self._to_quarantine(record, case, seq, exc, reason)
        return True

    async def _retry_later(
        self, record: StoredRecord, case: str, seq: str | None, attempt: int, exc: TransientError
    ) -> None:
        due = self._clock() + self._backoff.delay(attempt)
        reason = f"attempt {attempt} failed: {exc}"
        parked = True
        if seq is None:
            parked = await self._park(
                case,
                record,
                state=ParkedState.RETRY,
                attempt=attempt,
                due_at=due,
                reason=reason,
            )
        else:
            self._store.reschedule(seq, attempt=attempt, due_at=due, reason=reason)
        self.metrics.decided(record.topic, Outcome.RETRIED if parked else Outcome.QUARANTINED)
        log.warning(
            "retry_scheduled",
            group=self.group,
            case_id=case,
            attempt=attempt,
            error=type(exc).__name__,
        )
        self._wake.set()

    async def _to_quarantine(  # noqa: PLR0913 - the record, its place and the reason
        self,
        record: StoredRecord,
        case: str,
        seq: str | None,
        exc: Exception,
        reason: str,
        *,
        hold_case: bool = True,
    ) -> None:
        await self._quarantine.put(
            record, error=type(exc).__name__, reason=reason, group=self.group
        )
        self.metrics.decided(record.topic, Outcome.QUARANTINED)
        if seq is None and not hold_case:
            return
        if seq is None:
            await self._park(
                case,
                record,
                state=ParkedState.QUARANTINED,
                attempt=0,
                due_at=0.0,
                reason=reason,
            )
        else:
            self._store.mark_quarantined(seq, reason)

    async def _park(  # noqa: PLR0913 - the parked row's columns
        self,
        case: str,
        record: StoredRecord,
        *,
        state: ParkedState,
        attempt: int,
        due_at: float,
        reason: str,
    ) -> bool:
        """Park a record of the subscriber's path; its lane is parked from now on.

        A record too large to keep in a row goes to the quarantine instead (a bounded copy
        when it is larger than the quarantine's limit), and its case waits for the replay:
        then False.
        """
        try:
            self._store.park(
                case, record, state=state, attempt=attempt, due_at=due_at, reason=reason
            )
        except RowTooLargeError as exc:
            log.warning("too_large_to_park", group=self.group, case_id=case, source=record.ref)
            await self._quarantine.put(
                record, error=type(exc).__name__, reason=f"{reason}; {exc}", group=self.group
            )
            self._store.park(case, record, state=ParkedState.QUARANTINED, attempt=0,
                             due_at=0.0, reason=str(exc))  # fmt: skip
            self._lanes.add((case, record.topic))
            return False
        self._lanes.add((case, record.topic))
        return True

    def _outage(self, exc: Exception) -> None:
        """The external system cannot answer: stop consuming until the breaker's trial."""
        log.warning("circuit_open", group=self.group, error=type(exc).__name__,
                    retry_in_s=round(self.breaker.seconds_until_trial, 1))  # fmt: skip
        self._pause()

    def _open(self) -> bool:
        return self.breaker.state is BreakerState.OPEN

    def _pause(self) -> None:
        consumer = self._consumer
        if consumer is None:
            return
        assigned = consumer.assignment()
        if assigned:
            consumer.pause(*assigned)
        if self._resume_task is None or self._resume_task.done():
            self._resume_task = asyncio.get_running_loop().create_task(
                self._resume_after_cooldown()
            )

    async def _resume_after_cooldown(self) -> None:
        await asyncio.sleep(self.breaker.seconds_until_trial)
        consumer = self._consumer
        if consumer is not None and consumer.paused():
            consumer.resume(*consumer.paused())
            log.info("circuit_trial", group=self.group)
        self._wake.set()


def _or_raise(decoded: Event[Contract] | Exception) -> Event[Contract]:
    if isinstance(decoded, Exception):
        raise decoded
    return decoded


def _task(record: StoredRecord) -> Task:
    """The record's task; a record of a topic the hub does not name has its own."""
    try:
        return record.task
    except ValueError:
        return Task("", record.partition)


def _case_of(record: StoredRecord) -> str:
    """The record's case: its key, or its own address when it has no usable key."""
    if record.key:
        with contextlib.suppress(UnicodeDecodeError):
            return record.key.decode()
    return f"record:{record.ref}"


def _innermost(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
