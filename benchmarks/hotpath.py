"""The hub's own work per record, step by step, without a broker (microseconds per record).

    python -m benchmarks.hotpath [--records N]

What ``benchmarks.pipeline``'s profile shows inside the hub, measured alone: the copy of a
consumed record, decoding and validation, the processed-id and parked-lane look-ups (per
record and per batch), building triage's follow-up, and encoding it for Kafka. The client
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
from hub.runtime.delivery import DeliveryStore, stored_record
from hub.runtime.state import MemoryChangelog, StateTable, Task

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
    }
    for name, step in steps.items():
        print(f"{name:<32} {_per_record(step, count):6.1f} us CPU/record")


def _owned_store(task: Task) -> DeliveryStore:
    """A delivery store whose table owns ``task``, on a changelog in memory."""
    table = StateTable("g", MemoryChangelog())
    store = DeliveryStore(table)
    asyncio.run(table.assign([task]))
    return store


if __name__ == "__main__":
    main()
