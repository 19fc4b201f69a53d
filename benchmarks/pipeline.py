"""The hub pipeline against raw aiokafka on the same broker, in the same run.

    python -m benchmarks.pipeline [--records N] [--bootstrap HOST:PORT] [--profile]

Both sides consume the same N pre-produced canonical records and produce one record per
input, at least once (offsets committed after the output is acknowledged):

- raw: an aiokafka consumer forwarding each record to another topic, no decoding, sends
  pipelined and flushed before each commit (the floor of what Kafka costs here);
- hub: the real hub (``create_app``): decode, contract validation, routing, the
  processed-event check, triage's follow-up event published with acks=all, then commit.

It prints events per second for both, the ratio, and the hub's peak resident memory.
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
from contextlib import AsyncExitStack
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.binding import to_kafka
from contracts.envelope import new_event
from contracts.intake import NotificationReceived
from hub.app import create_app
from hub.provision import ensure_topics
from hub.serve import serving
from hub.settings import Settings
from routing.topics import topic

ROOT = Path(__file__).resolve().parent.parent
MUNICIPALITY = "101"
Records = list[tuple[bytes, bytes, list[tuple[str, bytes]]]]


def _records(count: int) -> Records:
    """Valid NotificationReceived records for many cases (synthetic CPR numbers only)."""
    records = []
    for n in range(count):
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
            data, source="urn:casehub:bench", municipality=MUNICIPALITY, case_id=f"B-{n % 997}"
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


async def _end_total(bootstrap: str, name: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        parts = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        if not parts:
            await consumer._client.force_metadata_update()  # noqa: SLF001 - a fresh topic
            parts = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        return sum((await consumer.end_offsets(parts)).values())
    finally:
        await consumer.stop()


async def raw_forward(bootstrap: str, source: str, target: str, count: int) -> float:
    """Seconds for aiokafka to consume ``count`` records and forward each, at least once."""
    consumer = AIOKafkaConsumer(
        source, bootstrap_servers=bootstrap, group_id=f"bench-raw-{uuid.uuid4()}",
        enable_auto_commit=False, auto_offset_reset="earliest",
    )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    try:
        await consumer.getmany(timeout_ms=0)  # join the group before the clock starts
        began = time.perf_counter()
        done = 0
        while done < count:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            for records in batch.values():
                for r in records:
                    await producer.send(target, r.value, key=r.key, headers=list(r.headers))
                done += len(records)
            await producer.flush()
            await consumer.commit()
        return time.perf_counter() - began
    finally:
        await producer.stop()
        await consumer.stop()


async def hub_pipeline(bootstrap: str, count: int, state: Path, *, profile: bool) -> float:
    """Seconds for the hub to turn ``count`` backlog notifications into follow-up events."""
    settings = Settings(
        bootstrap_servers=bootstrap,
        municipalities=(MUNICIPALITY,),
        group_prefix=f"bench-{uuid.uuid4().hex[:6]}",
        state_dir=state,
        http_port=0,
        log_level="WARNING",
    )
    person = topic("person", MUNICIPALITY)
    before = await _end_total(bootstrap, person)
    async with AsyncExitStack() as stack:
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled")
        began = time.perf_counter()
        if profiler:
            profiler.start()
        await stack.enter_async_context(serving(create_app(settings)))
        while await _end_total(bootstrap, person) - before < count:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - began
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])
    return elapsed


async def run(bootstrap: str, count: int, *, profile: bool) -> None:
    """Produce the records once per side, run both sides, print the figures."""
    raw_in, raw_out = (
        f"bench.raw.in.{uuid.uuid4().hex[:6]}",
        f"bench.raw.out.{uuid.uuid4().hex[:6]}",
    )
    intake = topic("intake", MUNICIPALITY)
    names = [intake, topic("person", MUNICIPALITY), raw_in, raw_out]
    await ensure_topics(bootstrap, names, partitions=3, replication=1)
    records = _records(count)
    await _produce(bootstrap, intake, records)
    await _produce(bootstrap, raw_in, records)
    with tempfile.TemporaryDirectory() as state:
        hub_s = await hub_pipeline(bootstrap, count, Path(state), profile=profile)
    hub_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    raw_s = await raw_forward(bootstrap, raw_in, raw_out, count)
    raw_eps, hub_eps = count / raw_s, count / hub_s
    print(f"records            {count}")
    print(f"raw aiokafka       {raw_eps:10.0f} events/s  ({raw_s:.2f} s)")
    print(f"hub pipeline       {hub_eps:10.0f} events/s  ({hub_s:.2f} s, including start-up)")
    print(f"ratio hub/raw      {hub_eps / raw_eps:10.2f}   (target >= 0.5)")
    print(f"hub peak RSS       {hub_rss_mb:10.0f} MiB")


def main() -> None:
    """Parse the arguments; start a local broker unless one is given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--bootstrap", help="use this broker instead of starting one")
    parser.add_argument(
        "--profile", action="store_true", help="profile the hub phase (pyinstrument)"
    )
    args = parser.parse_args()
    if args.bootstrap:
        asyncio.run(run(args.bootstrap, args.records, profile=args.profile))
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
            asyncio.run(run(bootstrap, args.records, profile=args.profile))
        finally:
            subprocess.run([sys.executable, str(script), "stop", "--data", data], check=True)


if __name__ == "__main__":
    main()
