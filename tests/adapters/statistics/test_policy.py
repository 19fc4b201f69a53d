"""The reporter under the delivery policy: a placement before its CaseOpened loses nothing.

The case's ``CaseOpened`` comes on the case topic and its placement events on the decision
and measure topics, all keyed by the case id, with no order between the topics. The
reporter holds what waits for the child instead of raising a transient error, so the
policy never parks the case, and the ``CaseOpened`` is not left waiting behind the very
record that waits for it.
"""

from types import SimpleNamespace

import pytest

from contracts.reporting import StatisticsReported
from hub.runtime.delivery import Backoff, CircuitBreaker, Delivery, DeliveryStore
from hub.runtime.quarantine import Quarantine
from routing.topics import topic_for
from tests.adapters.statistics.events import decided, opened, started, wrap
from tests.adapters.statistics.test_wiring import Harness
from tests.offline_delivery import RecordingBroker, fetched_batch
from tests.people import CHILD


@pytest.fixture
async def hub():
    harness = await Harness.on()
    store = DeliveryStore(harness.table)  # one table per group: the delivery's and the memory's
    broker = RecordingBroker()
    quarantine = Quarantine()
    quarantine.bind(broker)
    delivery = Delivery(
        group="statistics",
        handler=harness.handler,  # the delivery runs it in the record's task
        store=store,
        quarantine=quarantine,
        backoff=Backoff(base_s=0.01, max_s=0.01, max_attempts=2),
        breaker=CircuitBreaker(open_after_s=30, cooldown_s=5, max_cooldown_s=300),
    )
    return SimpleNamespace(
        delivery=delivery, store=store, quarantined=broker.published, reporter=harness
    )


async def test_placement_events_read_before_their_case_opened_are_reported_with_the_child(hub):
    decision, start, case_opened = wrap(decided()), wrap(started()), wrap(opened())
    assert len({topic_for(e) for e in (decision, start, case_opened)}) == 3
    await hub.delivery.on_batch(fetched_batch(decision, start, case_opened))
    assert hub.store.parked_count() == 0, "the case was never parked"
    assert hub.quarantined == []
    reports = hub.reporter.standin.reports
    assert [(r.record.form, r.record.event_code) for r in reports] == [(1, 0), (2, 0)]
    assert [r.record.child.cpr for r in reports] == [CHILD, CHILD]
    assert len(hub.reporter.of(StatisticsReported)) == 2


async def test_a_placement_whose_case_opened_comes_in_a_later_batch_is_not_lost(hub):
    decision = wrap(decided())
    await hub.delivery.on_batch(fetched_batch(decision))
    assert hub.store.parked_count() == 0
    assert hub.reporter.standin.reports == []
    await hub.delivery.on_batch(fetched_batch(wrap(opened())))
    (report,) = hub.reporter.standin.reports
    assert report.record.child.cpr == CHILD
    (outcome,) = hub.reporter.of(StatisticsReported)
    assert outcome.envelope.causationid == decision.envelope.id
