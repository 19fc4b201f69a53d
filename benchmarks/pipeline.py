"""The hub pipeline against raw aiokafka on the same broker, in the same run.

    python -m benchmarks.pipeline [--records N] [--rounds R] [--bootstrap HOST:PORT] [--profile]

Both sides are running before the clock starts; then the same N canonical records are
produced, and the clock stops when one output record per input is on the broker, at
least once (offsets committed after the outputs are acknowledged):

- raw: an aiokafka consumer forwarding each record to another topic, no decoding, sends
  pipelined and flushed before each commit (the floor of what Kafka costs here);
- hub: the real hub (``create_app``): decode, contract validation, routing, the
  processed-event check, triage's follow-up event published with acks=all, then commit.

The hub runs one component on the intake topic (triage; the legal clock is switched off),
as the raw side runs one forwarder. Each round uses fresh topics (its own municipality) and
both sides; the machine is shared and noisy, so it prints every round, then the medians of
events per second for both and of the ratio, and the hub's peak resident memory.
``--profile`` prints a pyinstrument profile of each hub phase (the whole event loop).
Without --bootstrap it starts a throw-away local broker (deploy/local/kafka.py).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Self

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.binding import to_kafka
from contracts.envelope import new_event
from contracts.intake import NotificationReceived
from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.provision import ensure_topics
from hub.runtime.serve import serving
from routing.topics import topic

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITIES = ("101", "147", "151", "153", "155", "157", "159", "161", "163", "165")
"""One per round: a round's consumer groups start from the earliest offset of fresh topics."""
Records = list[tuple[bytes, bytes, list[tuple[str, bytes]]]]


def _records(count: int, municipality: str, *, first: int = 0) -> Records:
    """Valid NotificationReceived records for many cases (synthetic CPR numbers only)."""
    records = []
    for n in range(first, first + count):
        data = NotificationReceived.model_validate(
            {
                "notification_id": f"bench-{n}",
                "received_at": "2026-11-02T09:30:00+01:00",
                "child_cpr": f"{61 + n % 28:02d}0316{4000 + n % 1000:04d}",
                "notifier": {"kind": "professional", "relation": "school"},
                "reasons": ["neglect"],
                "channel": "eform",
                "summary": "Synthetic benchmark notification.",
            },
            strict=False,
        )
        event = new_event(
            data, source="urn:casehub:bench", municipality=municipality, case_id=f"B-{n % 997}"
        )
        record = to_kafka(event)
        records.append((record.key, record.value, list(record.headers)))
    return records


async def _produce(bootstrap: str, name: str, records: Records) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send(name, value, key=key, headers=headers)
        await producer.flush()
    finally:
        await producer.stop()


class EndOffsets:
    """Counts the records in a topic with one long-lived consumer (cheap to ask often)."""

    def __init__(self, bootstrap: str, name: str, partitions: int) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
        # The hub created the topic with this many partitions; a fresh client's metadata
        # may not list the topic yet, so the partitions are named, not looked up.
        self._parts = [TopicPartition(name, p) for p in range(partitions)]

    async def __aenter__(self) -> Self:
        await self._consumer.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._consumer.stop()

    async def total(self) -> int:
        """Records in the topic now."""
        return sum((await self._consumer.end_offsets(self._parts)).values())


async def raw_forward(bootstrap: str, source: str, target: str, records: Records) -> float:
    """Seconds to produce the records and have aiokafka consume and forward each, at least once."""
    consumer = AIOKafkaConsumer(
        source, bootstrap_servers=bootstrap, group_id=f"bench-raw-{uuid.uuid4()}",
        enable_auto_commit=False, auto_offset_reset="earliest",
    )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    try:
        await _produce(bootstrap, source, records[:1])  # warm-up: the group is joined
        await consumer.getmany(timeout_ms=10_000)
        began = time.perf_counter()
        feeding = asyncio.create_task(_produce(bootstrap, source, records))
        done = 0
        while done < len(records):
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            for part in batch.values():
                for r in part:
                    await producer.send(target, r.value, key=r.key, headers=list(r.headers))
                done += len(part)
            await producer.flush()
            await consumer.commit()
        await feeding
        return time.perf_counter() - began
    finally:
        await producer.stop()
        await consumer.stop()


async def hub_pipeline(
    bootstrap: str, municipality: str, records: Records, state: Path, *, profile: bool
) -> float:
    """Seconds to produce the records and have the running hub turn each into a follow-up."""
    settings = Settings(
        bootstrap_servers=bootstrap,
        municipalities=(municipality,),
        group_prefix=f"bench-{uuid.uuid4().hex[:6]}",
        state_dir=state,
        http_port=0,
        log_level="WARNING",
        # One consumer group, like the raw side: the legal clock reads the intake topic too,
        # and would double the work measured against one forwarder.
        deadlines=False,
    )
    intake, person = topic("intake", municipality), topic("person", municipality)
    async with (
        serving(create_app(settings)),
        EndOffsets(bootstrap, person, settings.topic_partitions) as outputs,
    ):
        before = await outputs.total()
        # Warm-up with a record of its own: the same event twice would be passed over.
        await _produce(bootstrap, intake, _records(1, municipality, first=len(records)))
        while await outputs.total() == before:
            await asyncio.sleep(0.05)
        target = before + 1 + len(records)
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="disabled")  # the whole loop: all tasks share it
            profiler.start()
        began = time.perf_counter()
        await _produce(bootstrap, intake, records)
        while await outputs.total() < target:
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - began
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=True, timeline=False))
    return elapsed


async def one_round(bootstrap: str, municipality: str, count: int, *, profile: bool) -> Round:
    """Both sides on the same records and fresh topics; the hub goes first."""
    raw_in, raw_out = (f"bench.raw.{part}.{uuid.uuid4().hex[:6]}" for part in ("in", "out"))
    intake = topic("intake", municipality)
    names = [intake, topic("person", municipality), raw_in, raw_out]
    await ensure_topics(bootstrap, names, partitions=3, replication=1)
    records = _records(count, municipality)
    with tempfile.TemporaryDirectory() as state:
        hub_s = await hub_pipeline(bootstrap, municipality, records, Path(state), profile=profile)
    raw_s = await raw_forward(bootstrap, raw_in, raw_out, records)
    return Round(raw_eps=count / raw_s, hub_eps=count / hub_s)


@dataclass(frozen=True)
class Round:
    """One round's throughput on each side."""

    raw_eps: float
    hub_eps: float

    @property
    def ratio(self) -> float:
        """Hub throughput as a fraction of raw aiokafka's."""
        return self.hub_eps / self.raw_eps


async def run(bootstrap: str, count: int, *, rounds: int, profile: bool) -> None:
    """Run the rounds, print each and the median: the machine is shared and noisy."""
    print(f"records per round  {count}")
    results = []
    for n in range(rounds):
        result = await one_round(bootstrap, MUNICIPALITIES[n], count, profile=profile)
        results.append(result)
        print(
            f"round {n + 1}            raw {result.raw_eps:7.0f} ev/s   "
            f"hub {result.hub_eps:7.0f} ev/s   ratio {result.ratio:4.2f}"
        )
    hub_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"raw aiokafka       {median(r.raw_eps for r in results):10.0f} events/s (median)")
    print(f"hub pipeline       {median(r.hub_eps for r in results):10.0f} events/s (median)")
    print(f"ratio hub/raw      {median(r.ratio for r in results):10.2f}   (median; target >= 0.5)")
    print(f"hub peak RSS       {hub_rss_mb:10.0f} MiB")


def main() -> None:
    """Parse the arguments; start a local broker unless one is given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, len(MUNICIPALITIES) + 1))
    parser.add_argument("--bootstrap", help="use this broker instead of starting one")
    parser.add_argument(
        "--profile", action="store_true", help="profile the hub phase (pyinstrument)"
    )
    args = parser.parse_args()
    if args.bootstrap:
        asyncio.run(run(args.bootstrap, args.records, rounds=args.rounds, profile=args.profile))
        return
    with tempfile.TemporaryDirectory() as data:
        script = ROOT / "deploy" / "local" / "kafka.py"
        bootstrap = subprocess.run(
            [sys.executable, str(script), "start", "--data", data],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        try:
            asyncio.run(run(bootstrap, args.records, rounds=args.rounds, profile=args.profile))
        finally:
            subprocess.run([sys.executable, str(script), "stop", "--data", data], check=True)


if __name__ == "__main__":
    main()
