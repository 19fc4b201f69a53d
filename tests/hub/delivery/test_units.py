"""The delivery policy's parts on their own: backoff, breaker, store, routes."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.compose.settings import Settings
from hub.runtime.delivery import (
    Backoff,
    BreakerState,
    CircuitBreaker,
    ParkedState,
    StoredRecord,
)
from hub.runtime.errors import TransientError
from hub.runtime.state import MemoryChangelog, Task
from routing.routes import Route, Routes
from tests.state import delivery_store

TASK = Task("101", 0)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class TestBackoff:
    def test_grows_exponentially_up_to_the_cap(self):
        backoff = Backoff(base_s=1, factor=2, max_s=10, jitter=0)
        assert [backoff.delay(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]

    @given(st.integers(min_value=1, max_value=30), st.floats(min_value=0, max_value=1))
    def test_jitter_stays_within_its_band(self, attempt, rand):
        backoff = Backoff(base_s=1, factor=2, max_s=60, jitter=0.2)
        plain = min(60, 2 ** (attempt - 1))
        assert 0.8 * plain - 1e-9 <= backoff.delay(attempt, rand=lambda: rand) <= 1.2 * plain + 1e-9

    def test_the_shortest_budget_takes_every_delay_at_its_lowest(self):
        backoff = Backoff(base_s=1, factor=2, max_s=10, max_attempts=6, jitter=0.2)
        assert backoff.shortest_budget_s() == pytest.approx(0.8 * (1 + 2 + 4 + 8 + 10))

    def test_by_default_the_breaker_opens_before_a_record_runs_out_of_retries(self):
        # Else the first record failing in a long outage is quarantined, not waited out.
        settings = Settings(bootstrap_servers="127.0.0.1:9092")
        backoff = Backoff(
            base_s=settings.retry_base_s,
            max_s=settings.retry_max_s,
            max_attempts=settings.retry_attempts,
        )
        assert settings.breaker_open_after_s < backoff.shortest_budget_s()

    def test_attempts_are_bounded(self):
        backoff = Backoff(max_attempts=3)
        assert [backoff.exhausted(n) for n in (1, 2, 3)] == [False, False, True]


def state(breaker):
    """The state now (a function call, so the type checker does not carry it over)."""
    return breaker.state


class TestBreaker:
    def make(self, clock):
        return CircuitBreaker(open_after_s=5, cooldown_s=1, max_cooldown_s=3, clock=clock)

    def test_opens_only_when_failures_last_longer_than_the_threshold(self):
        clock = Clock()
        breaker = self.make(clock)
        assert not breaker.failure()
        clock.now += 4.9
        assert not breaker.failure()
        clock.now += 0.2
        assert breaker.failure()
        assert state(breaker) is BreakerState.OPEN

    def test_authorisation_opens_at_once(self):
        breaker = self.make(Clock())
        assert breaker.failure(authorisation=True)

    def test_half_open_after_cooldown_and_failed_trials_wait_longer(self):
        clock = Clock()
        breaker = self.make(clock)
        breaker.failure(authorisation=True)
        clock.now += 1
        assert state(breaker) is BreakerState.HALF_OPEN
        assert breaker.failure()  # the trial failed
        clock.now += 1.5
        assert state(breaker) is BreakerState.OPEN  # cool-down doubled to 2 s
        clock.now += 0.5
        assert state(breaker) is BreakerState.HALF_OPEN
        breaker.failure()
        assert breaker.seconds_until_trial == 3  # capped

    def test_success_closes_and_forgets_the_streak(self):
        clock = Clock()
        breaker = self.make(clock)
        breaker.failure()
        clock.now += 4
        breaker.success()
        clock.now += 2
        assert not breaker.failure()
        assert state(breaker) is BreakerState.CLOSED

    def test_it_keeps_when_it_last_opened_or_closed_and_the_last_error_class(self):
        clock = Clock()
        breaker = self.make(clock)
        assert (breaker.changed_at, breaker.last_error) == (None, None)
        breaker.failure(error="UnavailableError")
        assert (breaker.changed_at, breaker.last_error) == (None, "UnavailableError")
        breaker.failure(authorisation=True, error="AuthorisationError")
        opened = breaker.changed_at
        assert opened is not None
        assert breaker.last_error == "AuthorisationError"
        breaker.success()
        assert breaker.changed_at is not None
        assert breaker.changed_at >= opened
        closed = breaker.changed_at
        breaker.success()  # already closed: no change
        assert breaker.changed_at == closed


INTAKE = "casehub.101.intake.v1"
CASE_TOPIC = "casehub.101.case.v1"


def record(offset, key=b"case-1", topic=INTAKE):
    return StoredRecord(topic, 0, offset, key, b"{}", (("ce_id", b"x"),))


class TestStore:
    @pytest.fixture
    async def store(self):
        return await delivery_store("g", self.changelog)

    @pytest.fixture(autouse=True)
    def _changelog(self):
        self.changelog = MemoryChangelog()

    def test_a_case_waits_in_arrival_order_and_the_head_decides(self, store):
        store.park("case-1", record(5), state=ParkedState.RETRY, attempt=1, due_at=50, reason="r")
        store.park("case-1", record(6), state=ParkedState.WAITING, attempt=0, due_at=0, reason="w")
        assert store.is_parked("case-1", INTAKE)
        assert not store.is_parked("case-2", INTAKE)
        assert store.due_heads(now=10) == []  # the head is not due; its follower waits
        (head,) = store.due_heads(now=60)
        assert head.record == record(5)
        store.remove(head.seq)
        (follower,) = store.due_heads(now=60)
        assert follower.record == record(6)

    def test_a_case_waits_per_topic(self, store):
        # Kafka orders a case's records within a topic only; each topic is its own lane.
        store.park("case-1", record(5), state=ParkedState.RETRY, attempt=1, due_at=50, reason="r")
        store.park(
            "case-1", record(2, topic=CASE_TOPIC), state=ParkedState.RETRY, attempt=1,
            due_at=20, reason="r",
        )  # fmt: skip
        assert not store.is_parked("case-1", "casehub.101.document.v1")
        head = store.head("case-1", CASE_TOPIC)
        assert head is not None
        assert head.record.offset == 2
        assert [h.record.topic for h in store.due_heads(now=60)] == [CASE_TOPIC, INTAKE]
        assert store.next_due_at() == 20

    def test_parked_lanes_of_a_batch_come_in_one_answer(self, store):
        store.park("case-1", record(5), state=ParkedState.RETRY, attempt=1, due_at=50, reason="r")
        store.park(
            "case-2", record(2, topic=CASE_TOPIC), state=ParkedState.QUARANTINED,
            attempt=0, due_at=0, reason="q",
        )  # fmt: skip
        cases = [f"case-{n}" for n in range(1200)]
        assert store.parked_lanes(cases) == {("case-1", INTAKE), ("case-2", CASE_TOPIC)}
        assert store.parked_lanes(["case-3"]) == set()
        assert store.parked_lanes([]) == set()

    def test_processed_ids_of_a_batch_come_in_one_answer(self, store):
        store.mark_processed_many([(f"event-{n}", TASK) for n in range(0, 1200, 2)])
        found = store.processed_among([f"event-{n}" for n in range(1200)])
        assert found == {f"event-{n}" for n in range(0, 1200, 2)}
        assert store.processed_among(["event-1"]) == set()
        assert store.processed_among([]) == set()

    def test_parking_the_same_record_twice_is_ignored(self, store):
        for _ in range(2):
            store.park(
                "case-1", record(5), state=ParkedState.RETRY, attempt=1, due_at=0, reason="r"
            )
        assert store.parked_count() == 1

    def test_quarantined_head_holds_its_case_until_replaced(self, store):
        store.park(
            "case-1", record(5), state=ParkedState.QUARANTINED, attempt=0, due_at=0, reason="q"
        )
        store.park("case-1", record(6), state=ParkedState.WAITING, attempt=0, due_at=0, reason="w")
        assert store.due_heads(now=1e12) == []
        head = store.head("case-1", INTAKE)
        assert head is not None
        assert head.record.value is None, "its bytes are in the quarantine, not in the row"
        store.replace_head(head.seq, record(9), reason="replayed")
        (due,) = store.due_heads(now=1)
        assert due.record.offset == 9
        assert due.seq == head.seq

    async def test_a_new_instance_restores_everything_from_the_changelog(self, store):
        store.park("case-1", record(5), state=ParkedState.RETRY, attempt=2, due_at=7, reason="r")
        store.park("case-1", record(6), state=ParkedState.WAITING, attempt=0, due_at=0, reason="w")
        store.mark_processed("event-1", TASK)
        before = await delivery_store("g", self.changelog)
        assert before.head("case-1", INTAKE) is None, "nothing is durable before the flush"
        await store.flush()
        again = await delivery_store("g", self.changelog)
        head = again.head("case-1", INTAKE)
        assert head is not None
        assert (head.attempt, head.due_at, head.record) == (2, 7, record(5))
        assert again.was_processed("event-1")
        assert again.parked_count() == 2
        again.remove(head.seq)
        await again.flush()
        third = await delivery_store("g", self.changelog)
        follower = third.head("case-1", INTAKE)
        assert follower is not None
        assert follower.record == record(6)

    async def test_a_failed_flush_keeps_the_changes_for_the_next(self, store):
        store.mark_processed("event-1", TASK)
        self.changelog.fail = True
        with pytest.raises(TransientError):
            await store.flush()
        self.changelog.fail = False
        await store.flush()
        assert (await delivery_store("g", self.changelog)).was_processed("event-1")

    async def test_old_processed_ids_are_forgotten_with_a_tombstone(self):
        store = await delivery_store("g", self.changelog, processed_retention_s=60)
        store.mark_processed("event-1", TASK)
        await store.flush()
        assert store.forget_processed(now=time.time() + 30) == 0
        assert store.forget_processed(now=time.time() + 120) == 1
        assert not store.was_processed("event-1")
        await store.flush()
        assert not (await delivery_store("g", self.changelog)).was_processed("event-1")

    async def test_a_revoked_task_is_flushed_and_forgotten(self, store):
        store.park("case-1", record(5), state=ParkedState.RETRY, attempt=1, due_at=0, reason="r")
        store.mark_processed("event-1", TASK)
        await store._table.revoke([TASK])
        assert store.parked_count() == 0
        assert not store.was_processed("event-1")
        assert not store.owns(TASK)
        again = await delivery_store("g", self.changelog)
        assert again.parked_count() == 1, "the revoke flushed it"


class TestRoutes:
    received = "dk.casehub.notification.received"

    def test_default_municipalities_are_the_ones_served(self):
        routes = Routes(
            [Route(consumer="triage", event_types=frozenset({self.received}))], ["101", "751"]
        )
        assert routes.topics("triage") == ("casehub.101.intake.v1", "casehub.751.intake.v1")
        assert routes.accepts("triage", self.received, "751")
        assert not routes.accepts("triage", "dk.casehub.person.lookup-requested", "751")
        assert not routes.accepts("recorder", self.received, "751")

    def test_a_route_can_serve_some_municipalities_only(self):
        only = Route(
            consumer="triage",
            event_types=frozenset({self.received}),
            municipalities=frozenset({"751"}),
        )
        routes = Routes([only], ["101", "751"])
        assert routes.topics("triage") == ("casehub.751.intake.v1",)
        assert not routes.accepts("triage", self.received, "101")

    def test_unknown_event_types_are_refused(self):
        with pytest.raises(ValueError, match="unknown event types"):
            Routes([Route(consumer="x", event_types=frozenset({"dk.casehub.nope"}))], ["101"])


def test_the_deadline_engine_is_routed_every_event_it_reads():
    from adapters.registry import COMPONENTS
    from hub.components.deadlines.engine import EVENT_TYPES
    from routing.routes import default_routes

    (route,) = [r for r in default_routes(COMPONENTS) if r.consumer == "deadlines"]
    assert route.event_types == frozenset(EVENT_TYPES)
