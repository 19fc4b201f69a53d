"""The benchmark, run tiny on the real broker: every side runs and every figure is printed."""

from __future__ import annotations

import re

import pytest

from benchmarks.pipeline import HUB, RAW, run
from benchmarks.restore import changelog, read_aiokafka, read_confluent, read_hub

pytestmark = pytest.mark.kafka


def test_a_tiny_run_prints_every_side_the_ratios_the_memory_and_the_restore(
    test_broker, fresh_municipality
):
    lines: list[str] = []
    municipalities = [fresh_municipality(), fresh_municipality()]
    rounds = run(
        test_broker.admin,  # the raw sides' topics and groups are outside every role's ACLs
        200,
        rounds=1,
        store_entries=500,
        municipalities=municipalities,
        out=lines.append,
    )
    sides = rounds[0].sides
    assert set(sides) == {*RAW, *HUB}
    assert all(side.eps > 0 and side.per_cpu_s > 0 for side in sides.values())
    # One process per raw side and for hub x1, two for hub x2, each with its peak RSS.
    assert [len(sides[name].rss_mib) for name in (*RAW, *HUB)] == [1, 1, 1, 2]
    assert all(peak > 10 for side in sides.values() for peak in side.rss_mib)
    text = "\n".join(lines)
    for hub in HUB:
        for raw in RAW:
            assert re.search(rf"ratio {hub}/{raw} +\d+\.\d\d", text)
        figures = rf"{hub} +\d+ events/s \(median\) +\d+ per CPU second +peak RSS \d+"
        assert re.search(figures, text)
    for reader in (*RAW, "hub KafkaChangelog"):
        assert re.search(rf"restore 500 entries, {reader} +\d+\.\d\d s", text)


def test_each_client_restores_every_entry_of_the_changelog(test_broker):
    name = changelog(test_broker.admin, 300)
    for read in (read_aiokafka, read_confluent, read_hub):
        table = read(test_broker.admin, name)
        assert len(table) == 300
        assert table[b"entry-0000299"].startswith(b'{"n": 299,')
