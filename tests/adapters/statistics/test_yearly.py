"""The yearly report of supporting measures: built from what the reporter saw, on the child."""

import datetime as dt
import json

import httpx
import pytest

from adapters.statistics.client import StatisticsClient
from adapters.statistics.format import SupportingMeasuresRecord, validate_report
from adapters.statistics.memory import Memory
from adapters.statistics.standin import StatisticsStandin
from adapters.statistics.wiring import NAME, build_statistics_reporter
from adapters.statistics.yearly import read_memory, report_year, run, yearly_report
from contracts.binding import to_kafka
from contracts.envelope import new_event
from hub.clock import COPENHAGEN
from hub.compose.app import create_app, group_of
from hub.runtime.endpoint import EndpointSettings
from hub.runtime.serve import serving
from hub.runtime.state import MemoryChangelog, Task, in_task
from routing.topics import changelog_topic, topic_for
from tests.adapters.statistics.events import decided, ended, opened, started, wrap
from tests.adapters.statistics.memories import in_its_task, memory_on
from tests.kafka import produce, wait_for_records
from tests.people import CHILD, MOTHER
from tests.state import owned_table

NOW = dt.datetime(2027, 1, 15, 9, 0, tzinfo=COPENHAGEN)
CONSULTANCY = {"law": "BL", "paragraph": "32", "stk": 1, "nr": 1}


def supporting(measure_id, start, end=None, kind="consultancy"):
    period = {"start": start} if end is None else {"start": start, "end": end}
    return decided(
        kind,
        decision_id=f"d-{measure_id}",
        measure_id=measure_id,
        legal_basis=CONSULTANCY,
        sel_basis=None,
        period=period,
        consent=True,
    )


class Reporter:
    """The reporter over the DST stand-in, with a memory the test reads afterwards."""

    def __init__(self, memory):
        self.standin = StatisticsStandin(clock=lambda: NOW)
        self.client = StatisticsClient(
            httpx.AsyncClient(base_url="http://dst", transport=self.standin.transport())
        )
        self.memory = memory

        async def publish(_event):
            return "topic"

        self.handler = build_statistics_reporter(
            self.client, publish, source="urn:test", memory=memory, clock=lambda: NOW
        )
        self.handle = in_its_task(self.handler)  # in partition 0 of its municipality


@pytest.fixture
async def memory():
    return (await memory_on())[0]


async def seen(memory, *events):
    reporter = Reporter(memory)
    for event in events:
        await reporter.handle(event)
    return reporter


async def test_the_year_s_measures_are_reported_with_the_days_they_actually_ran(memory):
    await seen(
        memory,
        wrap(opened()),
        wrap(supporting("m-a", "2026-02-01", "2026-12-31")),
        wrap(started("m-a", on="2026-02-10")),
        wrap(ended(on="2026-06-30", measure_id="m-a")),
        wrap(supporting("m-b", "2025-03-01", "2025-12-31")),  # ended the year before
        wrap(supporting("m-c", "2026-11-01", kind="personal_adviser")),  # open-ended
        wrap(decided()),  # a placement: reported within 4 weeks, not yearly
    )
    built = yearly_report(memory, "101", 2026, now=NOW)
    record = built.report.record
    assert isinstance(record, SupportingMeasuresRecord)
    assert (record.year, built.measures, built.without_child) == (2026, 2, 0)
    rows = {row.measure_ref: row for row in record.measures}
    assert set(rows) == {"m-a", "m-c"}
    assert (rows["m-a"].starts_on, rows["m-a"].ends_on) == ("2026-02-10", "2026-06-30")
    assert (rows["m-c"].measure_kind, rows["m-c"].ends_on) == ("personal_adviser", None)
    assert rows["m-a"].legal_basis == "BL §32 stk. 1 nr. 1"
    assert rows["m-a"].case_ref == "C-1"
    wire = json.loads(built.report.model_dump_json())
    assert {row["child"]["cpr"] for row in wire["record"]["measures"]} == {CHILD}
    assert validate_report(wire).report_id == built.report.report_id
    assert CHILD not in repr(built.report)


async def test_a_measure_whose_case_was_never_opened_is_counted_not_reported(memory):
    await seen(memory, wrap(supporting("m-x", "2026-05-01"), case_id="C-unopened"))
    built = yearly_report(memory, "101", 2026, now=NOW)
    assert (built.measures, built.without_child) == (0, 1)


async def test_the_same_content_is_the_same_report_and_new_content_a_new_one(memory):
    await seen(memory, wrap(opened()), wrap(supporting("m-a", "2026-02-01")))
    first = yearly_report(memory, "101", 2026, now=NOW).report.report_id
    assert yearly_report(memory, "101", 2026, now=NOW + dt.timedelta(days=1)).report.report_id == (
        first
    )
    assert yearly_report(memory, "751", 2026, now=NOW).report.report_id != first
    await seen(memory, wrap(supporting("m-b", "2026-03-01")))
    assert yearly_report(memory, "101", 2026, now=NOW).report.report_id != first


async def test_the_year_s_report_is_sent_and_dst_recognises_a_repeat(memory):
    reporter = await seen(memory, wrap(opened()), wrap(supporting("m-a", "2026-02-01")))
    built, accepted = await report_year(reporter.client, memory, "101", 2026, now=NOW)
    assert accepted.duplicate is False
    _, again = await report_year(reporter.client, memory, "101", 2026, now=NOW)
    assert again.duplicate is True
    assert [r.report_id for r in reporter.standin.reports] == [built.report.report_id]


async def test_the_year_spans_every_partition_and_every_instance():
    changelog = MemoryChangelog()  # the group's changelog, shared by its instances
    tables = [await owned_table("g", changelog, [Task("101", p)]) for p in (0, 1)]
    first, second = (Memory.on(table) for table in tables)
    for memory, partition, case, child, measure in (
        (first, 0, "C-1", CHILD, "m-a"),
        (second, 1, "C-2", MOTHER, "m-b"),
    ):
        reporter = Reporter(memory)
        for data in (opened(child=child), supporting(measure, "2026-02-01")):
            event = new_event(data, source="urn:test", municipality="101", case_id=case)
            with in_task(Task("101", partition)):
                await reporter.handler(event)
    for table in tables:
        await table.flush()  # as each instance's delivery does before it commits

    whole = await read_memory(changelog, "101", partitions=3)
    built = yearly_report(whole, "101", 2026, now=NOW)
    record = built.report.record
    assert isinstance(record, SupportingMeasuresRecord)
    rows = {row.measure_ref: (row.case_ref, row.child.cpr) for row in record.measures}
    assert rows == {"m-a": ("C-1", CHILD), "m-b": ("C-2", MOTHER)}
    assert built.without_child == 0
    # One instance's memory alone is not the year (and would be another report).
    part = yearly_report(first, "101", 2026, now=NOW)
    assert part.measures == 1
    assert part.report.report_id != built.report.report_id


@pytest.mark.kafka
async def test_the_command_reads_the_hub_s_changelog_and_prints_counts_only(
    hub_settings, tmp_path, capsys
):
    standin = StatisticsStandin()
    municipality = hub_settings.municipalities[0]
    async with serving(standin.asgi()) as url:
        settings = hub_settings.model_copy(
            update={NAME: EndpointSettings(base_url=url, timeout_s=2.0)}
        )
        changelog = changelog_topic(group_of(settings, NAME), municipality)
        async with serving(create_app(settings)):
            for data in (opened(), supporting("m-a", "2026-02-01")):
                await send(settings, wrap(data, municipality=municipality))
            # Durable on the changelog once the records' offsets are committed.
            for key in (b"children/C-1", b"supporting/m-a"):
                await wait_for_records(settings.kafka, changelog, has_key(key))
    capsys.readouterr()  # the hub's own log lines
    out = tmp_path / "supporting-2026.json"
    args = [
        "--bootstrap-servers",
        settings.kafka.bootstrap_servers,
        "--kafka-security",
        settings.kafka.security.model_dump_json(),
        "--group-prefix",
        settings.group_prefix,
        "--municipality",
        municipality,
        "--year",
        "2026",
        "--out",
        str(out),
    ]
    assert await run(args) == 0
    printed = capsys.readouterr().out
    assert CHILD not in printed
    assert json.loads(printed)["measures"] == 1
    assert json.loads(printed)["without_child"] == 0
    assert out.stat().st_mode & 0o777 == 0o600
    record = validate_report(out.read_bytes()).record
    assert isinstance(record, SupportingMeasuresRecord)
    assert [row.child.cpr for row in record.measures] == [CHILD]


def has_key(key):
    return lambda record: record.key == key


async def send(settings, event):
    record = to_kafka(event)
    await produce(
        settings.kafka, topic_for(event), record.value, key=record.key,
        headers=record.headers,
    )  # fmt: skip


@pytest.mark.kafka
async def test_the_command_says_so_when_the_reporter_never_ran(hub_settings, tmp_path, capsys):
    args = [
        "--bootstrap-servers", hub_settings.kafka.bootstrap_servers,
        "--kafka-security", hub_settings.kafka.security.model_dump_json(),
        "--group-prefix", f"{hub_settings.group_prefix}-never",
        "--municipality", hub_settings.municipalities[0],
        "--year", "2026", "--out", str(tmp_path / "out.json"),
    ]  # fmt: skip
    assert await run(args) == 1
    assert "no changelog topic" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
