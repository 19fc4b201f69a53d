"""The hub against the fastest raw forwarder of each Kafka client, on one broker, in one run.

    python -m benchmarks.pipeline [--records N] [--rounds R] [--store-entries N]
                                  [--bootstrap HOST:PORT] [--profile]

Every side is its own OS process (or two), running and in its consumer group before the
clock starts; the load generator (librdkafka, in this process) then produces the same N
canonical records, and the clock stops when one output record per input is on the broker,
at least once (offsets committed after the outputs are acknowledged):

- raw aiokafka: ``benchmarks/forward_aiokafka.py``, batched fetch, JSON decode, batched
  produce (idempotent, acks=all), commit;
- raw confluent-kafka: ``benchmarks/forward_confluent.py``, the same loop on librdkafka;
- hub x1 and hub x2: ``benchmarks/hub_worker.py``, the real hub (``create_app``) in one
  process and in two processes of one consumer group: decode, contract validation, routing,
  the processed-event check, triage's follow-up published with acks=all, then commit.

Each round uses fresh topics (a municipality per hub side) and runs every side; the machine
is shared and noisy, so it prints every round, then the medians of events per second and
of the hub's ratios to each raw side, and the peak resident memory of each process. Then
it fills a compacted changelog with ``--store-entries`` keyed entries (~200-byte values) and
prints how long each client takes to restore it into a table (``benchmarks/restore.py``).
``--profile`` prints a pyinstrument profile of each one-process hub phase.
Without --bootstrap it starts a throw-away local broker (deploy/local/kafka.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from benchmarks.access import worker_access
from benchmarks.load import (
    Offsets,
    Records,
    create_topics,
    produce,
    records,
    topic_names,
    wait_for_group,
    wait_for_total,
)
from benchmarks.restore import RESTORERS, Restore, changelog
from contracts.municipalities import MUNICIPALITIES
from hub.cli.demo import MUNICIPALITY as DEMO_MUNICIPALITY
from hub.runtime.kafka_access import KafkaConnection
from hub.runtime.logs import configure_logging
from hub.runtime.provision import ensure_topics, hub_topics
from routing.topics import topic

__all__ = ["Round", "Side", "main", "run"]

ROOT = Path(__file__).resolve().parent.parent
PARTITIONS = 3  # the hub's default topic_partitions; the raw topics get as many
RAW = ("aiokafka", "confluent-kafka")
HUB = ("hub x1", "hub x2")


@dataclass
class Side:
    """One side's throughput in one round, and its processes' peak resident memory.

    ``per_cpu_s`` is events per CPU second its processes used while the clock ran (all
    threads, user and system): on a shared machine it moves less than ``eps``, which
    also counts the time the side waited for a core.
    """

    eps: float
    per_cpu_s: float
    rss_mib: list[float] = field(default_factory=list)


@dataclass
class Round:
    """Every side of one round, by name (``RAW`` and ``HUB``)."""

    sides: dict[str, Side]

    def ratio(self, hub: str, raw: str) -> float:
        """A hub side's throughput as a fraction of a raw side's."""
        return self.sides[hub].eps / self.sides[raw].eps


class Processes:
    """Worker processes of one side: started together, their peak RSS read, stopped."""

    def __init__(self, commands: Sequence[Sequence[str]], *, profile: bool = False) -> None:
        self.profile = profile  # SIGUSR1 at the start of the clock starts their profilers
        self._procs = [
            subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, stdin=subprocess.DEVNULL)
            for command in commands
        ]

    def alive(self) -> None:
        """Raise when a worker has died."""
        for proc in self._procs:
            if proc.poll() is not None:
                msg = f"a benchmark worker exited with {proc.returncode}"
                raise RuntimeError(msg)

    def signal(self, signum: int) -> None:
        """Send every worker ``signum``."""
        for proc in self._procs:
            proc.send_signal(signum)

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far (user and system, every thread)."""
        return sum(_cpu_seconds(proc.pid) for proc in self._procs)

    def stop(self) -> list[float]:
        """Stop the workers (SIGTERM, then SIGKILL); return each one's peak RSS in MiB."""
        peaks = [_peak_rss_mib(proc.pid) for proc in self._procs]
        self.signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return peaks


def _cpu_seconds(pid: int) -> float:
    """The process's user and system time from /proc (0 where /proc does not say)."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB; 0 where /proc does not say."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def _running(
    commands: Sequence[Sequence[str]], peaks: list[float], *, profile: bool = False
) -> Iterator[Processes]:
    procs = Processes(commands, profile=profile)
    try:
        yield procs
    finally:
        peaks.extend(procs.stop())


def _measure(  # noqa: PLR0913 - one side's topics, group and processes
    kafka: KafkaConnection,
    *,
    source: str,
    target: str,
    group: str,
    procs: Processes,
    members: int,
    load: Records,
    warm: Records,
) -> tuple[float, float]:
    """Events per second, first record produced to last output; and per CPU second used.

    The CPU seconds are the side's processes' own, over the same interval.
    """
    wait_for_group(kafka, group, members, alive=procs.alive)
    offsets = Offsets(kafka, target, PARTITIONS)
    try:
        before = offsets.total()
        # Warm-up, a record per partition: every member has fetched, decoded and produced.
        produce(kafka, source, warm, partitions=range(PARTITIONS))
        wait_for_total(offsets, before + len(warm), alive=procs.alive)
        if procs.profile:
            procs.signal(signal.SIGUSR1)
        began, cpu_began = time.perf_counter(), procs.cpu_seconds()
        produce(kafka, source, load)
        ended = wait_for_total(offsets, before + len(warm) + len(load), alive=procs.alive)
        cpu = procs.cpu_seconds() - cpu_began
    finally:
        offsets.close()
    return len(load) / (ended - began), len(load) / max(cpu, 1e-3)


def raw_side(kafka: KafkaConnection, client: str, load: Records, warm: Records) -> Side:
    """One raw forwarder process on fresh topics."""
    source, target = (f"bench.raw.{part}.{uuid.uuid4().hex[:6]}" for part in ("in", "out"))
    create_topics(kafka, [source, target], partitions=PARTITIONS)
    group = f"bench-raw-{uuid.uuid4().hex[:6]}"
    module = (
        "benchmarks.forward_aiokafka" if client == "aiokafka" else "benchmarks.forward_confluent"
    )
    peaks: list[float] = []
    with _running([[module, *worker_access(kafka), source, target, group]], peaks) as procs:
        eps, per_cpu_s = _measure(
            kafka, source=source, target=target, group=group, procs=procs, members=1,
            load=load, warm=warm,
        )  # fmt: skip
    return Side(eps, per_cpu_s, peaks)


def hub_side(  # noqa: PLR0913 - the side's broker, topics, size and profile
    kafka: KafkaConnection,
    municipality: str,
    instances: int,
    load: Records,
    warm: Records,
    *,
    profile: bool,
) -> Side:
    """``instances`` hub processes in one consumer group on the municipality's topics."""
    prefix = f"bench-{uuid.uuid4().hex[:6]}"
    # Created before the hubs start (as they would find them in production), so their
    # start-up is not a race with the topics' leader election.
    asyncio.run(
        ensure_topics(kafka, hub_topics([municipality]), partitions=PARTITIONS, replication=1)
    )
    peaks: list[float] = []
    with contextlib.ExitStack() as stack:
        states = [stack.enter_context(tempfile.TemporaryDirectory()) for _ in range(instances)]
        reports = [Path(state) / "profile.txt" for state in states]
        profiles = [["--profile", str(report)] if profile else [] for report in reports]
        commands = [
            ["benchmarks.hub_worker", *worker_access(kafka), municipality, prefix, state, *options]
            for state, options in zip(states, profiles, strict=True)
        ]
        with _running(commands, peaks, profile=profile) as procs:
            eps, per_cpu_s = _measure(
                kafka,
                source=topic("intake", municipality),
                target=topic("person", municipality),
                group=f"{prefix}.triage",
                procs=procs,
                members=instances,
                load=load,
                warm=warm,
            )
        for report in reports if profile else ():
            print(report.read_text() if report.exists() else "(no profile written)")
    return Side(eps, per_cpu_s, peaks)


def one_round(
    kafka: KafkaConnection, municipalities: tuple[str, str], count: int, *, profile: bool
) -> Round:
    """Every side on the same number of records, each on fresh topics."""
    first, second = municipalities
    load, other = records(count, first), records(count, second)
    warm = records(PARTITIONS, first, first=count)
    warm_other = records(PARTITIONS, second, first=count)
    sides = {client: raw_side(kafka, client, load, warm) for client in RAW}
    sides[HUB[0]] = hub_side(kafka, first, 1, load, warm, profile=profile)
    sides[HUB[1]] = hub_side(kafka, second, 2, other, warm_other, profile=False)
    return Round(sides)


def restore_times(
    kafka: KafkaConnection, entries: int, repeats: int, restorers: dict[str, Restore] | None = None
) -> dict[str, list[float]]:
    """Seconds each ``Restore`` takes to read one compacted changelog, ``repeats`` times."""
    name = changelog(kafka, entries)
    return {
        client: [restore(kafka, name) for _ in range(repeats)]
        for client, restore in (restorers or RESTORERS).items()
    }


def run(  # noqa: PLR0913 - the benchmark's knobs
    kafka: KafkaConnection,
    count: int,
    *,
    rounds: int,
    store_entries: int,
    profile: bool = False,
    municipalities: Sequence[str] | None = None,
    out: Callable[[str], None] = print,
) -> list[Round]:
    """Run the rounds, print each and the medians (the machine is shared and noisy)."""
    codes = list(municipalities or _unused_municipalities(kafka))
    if len(codes) < 2 * rounds:
        msg = f"{rounds} rounds need {2 * rounds} municipalities (fresh topics each)"
        raise ValueError(msg)
    out(f"records per round  {count}   (events/s; hub x2 = two hub processes, one group)")
    results = []
    for n in range(rounds):
        pair = (codes[2 * n], codes[2 * n + 1])
        result = one_round(kafka, pair, count, profile=profile)
        results.append(result)
        figures = "  ".join(f"{name} {side.eps:6.0f}" for name, side in result.sides.items())
        out(f"round {n + 1}   {figures}   hub x1/aiokafka {result.ratio(HUB[0], RAW[0]):4.2f}")
    for name in (*RAW, *HUB):
        eps = median(r.sides[name].eps for r in results)
        per_cpu_s = median(r.sides[name].per_cpu_s for r in results)
        peaks = [
            max(r.sides[name].rss_mib[i] for r in results)
            for i in range(len(results[0].sides[name].rss_mib))
        ]
        rss = " / ".join(f"{peak:.0f}" for peak in peaks)
        out(
            f"{name:<16} {eps:8.0f} events/s (median)  {per_cpu_s:7.0f} per CPU second"
            f"   peak RSS {rss} MiB"
        )
    for hub in HUB:
        for raw in RAW:
            ratio = median(r.ratio(hub, raw) for r in results)
            target = "   (target >= 0.5)" if hub == HUB[0] and raw == RAW[0] else ""
            cpu = median(r.sides[hub].per_cpu_s / r.sides[raw].per_cpu_s for r in results)
            out(f"ratio {hub}/{raw:<16} {ratio:5.2f} (median; per CPU second {cpu:4.2f}){target}")
    for client, seconds in restore_times(kafka, store_entries, rounds).items():
        out(
            f"restore {store_entries} entries, {client:<16} {median(seconds):6.2f} s (median; "
            f"{store_entries / median(seconds):.0f} entries/s)"
        )
    return results


def _unused_municipalities(kafka: KafkaConnection) -> list[str]:
    """Municipalities without topics on this broker yet: a round's hubs read from the start.

    A broker kept between runs (``--bootstrap``) holds an earlier run's records, which a new
    consumer group would handle too and count as this run's outputs.
    """
    taken = topic_names(kafka)
    return [
        code
        for code in sorted(set(MUNICIPALITIES) - {DEMO_MUNICIPALITY})
        if topic("intake", code) not in taken
    ]


def main() -> None:
    """Parse the arguments; start a local broker unless one is given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 11))
    parser.add_argument("--store-entries", type=int, default=100_000)
    parser.add_argument("--bootstrap", help="use this broker instead of starting one")
    parser.add_argument(
        "--profile", action="store_true", help="profile the one-process hub phase (pyinstrument)"
    )
    args = parser.parse_args()
    configure_logging("WARNING")  # the topics this process creates are not news
    options = {"rounds": args.rounds, "store_entries": args.store_entries, "profile": args.profile}
    if args.bootstrap:
        run(KafkaConnection(args.bootstrap), args.records, **options)
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
            run(KafkaConnection(bootstrap), args.records, **options)
        finally:
            subprocess.run([sys.executable, str(script), "stop", "--data", data], check=True)


if __name__ == "__main__":
    main()
