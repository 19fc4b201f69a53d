"""The hub's own work per record, step by step, without a broker (microseconds per record).

    python -m benchmarks.hotpath [--records N]

What ``benchmarks.pipeline``'s profile shows inside the hub, measured alone: the copy of a
consumed record, decoding and validation, the processed-id and parked-lane look-ups (per
record and per batch), building triage's follow-up, and encoding it for Kafka; then what
observing a record adds: its flow counters (received and its outcome), the trace context
passed through without a tracer (the default) and its spans with an SDK tracer (consume,
handle, publish; exported nowhere). The client
(aiokafka's fetch and send) is what the pipeline measures around these.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

from aiokafka import ConsumerRecord

from benchmarks.load import records
from contracts.binding import to_kafka
from contracts.envelope import Event, follow_up
from contracts.intake import NotificationReceived
from contracts.person import LookupPurpose, PersonLookupRequested
from hub.runtime.codec import decode_record
from hub.runtime.delivery import DeliveryStore, StoredRecord, stored_record
from hub.runtime.metrics import FlowMetrics, HubMetrics, Outcome
from hub.runtime.state import MemoryChangelog, StateTable, Task
from hub.runtime.tracing import Tracing, injected

__all__ = ["main"]


def _per_record(step: Callable[[], object], count: int) -> float:
    # CPU time, not wall time: on a shared machine the wall clock also counts the waits
    # for a core, which are not the hub's work.
    began = time.process_time()
    step()
    return (time.process_time() - began) / count * 1e6


def main() -> None:
    """Time each step over the same records and print microseconds per record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    count = parser.parse_args().records
    topic = "casehub.101.intake.v1"
    raw = [
        ConsumerRecord(topic, 0, n, 0, 0, key, value, None, len(key), len(value), headers)
        for n, (key, value, headers) in enumerate(records(count, "101"))
    ]
    stored = [stored_record(r) for r in raw]
    events = [decode_record(r.headers, r.value) for r in stored]

    def build() -> list[Event[PersonLookupRequested]]:
        made = []
        for event in events:
            assert isinstance(event.data, NotificationReceived)  # noqa: S101 - the bench's own records
            request = PersonLookupRequested(
                cpr=event.data.registered_cpr, purpose=LookupPurpose.NOTIFICATION
            )
            made.append(
                follow_up(
                    event,
                    request,
                    source="urn:casehub:hub:triage",
                    subject=f"notification/{event.data.notification_id}",
                )
            )
        return made

    follow_ups = build()
    ids = [e.envelope.id for e in events]
    cases = {r.key.decode() for r in stored if r.key}
    # The store's look-ups are in memory (the changelog is written behind, at the commit).
    task = Task("101", 0)
    store = _owned_store(task)
    store.mark_processed_many([(i, task) for i in ids[: count // 2]])
    steps = {
        "copy the consumed record": lambda: [stored_record(r) for r in raw],
        "decode and validate": lambda: [decode_record(r.headers, r.value) for r in stored],
        "processed? one query a record": lambda: [store.was_processed(i) for i in ids],
        "processed? one query a batch": lambda: [
            store.processed_among(ids[n : n + 500]) for n in range(0, count, 500)
        ],
        "parked? one query a record": lambda: [
            store.is_parked(r.key.decode(), r.topic) for r in stored if r.key
        ],
        "parked? one query a batch": lambda: [
            store.parked_lanes(list(cases)) for _ in range(0, count, 500)
        ],
        "build the follow-up": build,
        "encode the follow-up": lambda: [to_kafka(e) for e in follow_ups],
        **_observing(stored),
    }
    for name, step in steps.items():
        print(f"{name:<32} {_per_record(step, count):6.1f} us CPU/record")


def _observing(stored: list[StoredRecord]) -> dict[str, Callable[[], object]]:
    """What metrics and tracing add per record (the delivery's and the publisher's calls)."""
    flow = FlowMetrics(HubMetrics(), "triage")

    def count() -> None:
        for record in stored:
            flow.received(record.topic)
            flow.decided(record.topic, Outcome.HANDLED)

    def traced(tracing: Tracing) -> Callable[[], object]:
        def run() -> None:
            for r in stored:
                with (
                    tracing.consuming(r.headers, topic=r.topic, partition=0, component="t"),
                    tracing.span("handle t"),
                    tracing.span("publish t"),
                ):
                    injected()

        return run

    from opentelemetry.sdk.trace import TracerProvider

    return {
        "metrics: flow counters": count,
        "tracing off: context passed on": traced(Tracing()),
        "tracing on: 3 spans, no exporter": traced(Tracing(TracerProvider())),
    }


def _owned_store(task: Task) -> DeliveryStore:
    """A delivery store whose table owns ``task``, on a changelog in memory."""
    table = StateTable("g", MemoryChangelog())
    store = DeliveryStore(table)
    asyncio.run(table.assign([task]))
    return store


if __name__ == "__main__":
    main()
