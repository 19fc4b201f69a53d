"""The outcome extract on the real broker: read from the topics, pseudonymised, suppressed.

Two municipalities publish a small history (tests/components/outcomes/history.py); the
extract is built twice through ``casehub outcomes extract``, for two recipients, from the
history (no hub runs here; test_state_kafka.py shows the component's state gives the same).
"""

import asyncio
import csv
import re

import pyarrow.parquet as pq
import pytest
from aiokafka import AIOKafkaProducer
from click.testing import CliRunner

from contracts.binding import to_kafka
from contracts.decision import MeasureKind
from contracts.guards import has_cpr_shape
from contracts.operations import AuditActionV2
from hub.cli.audit import read_audit
from hub.cli.main import main
from hub.runtime.provision import ensure_topics, hub_topics
from routing.topics import topic_for
from tests.components.outcomes.history import (
    CONTACT_PERSON,
    FAMILY_TREATMENT,
    case_history,
    child_cprs,
)
from tests.kafka import cli_options

pytestmark = pytest.mark.kafka

TABLES = ("measures", "conditions", "progression", "goal_attainment", "child_measures")


async def publish(kafka, events):
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all")
    await producer.start()
    try:
        for event in events:
            record = to_kafka(event)
            await producer.send_and_wait(topic_for(event), record.value, key=record.key,
                                         headers=list(record.headers))  # fmt: skip
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
def extracts(hub_kafka, tmp_path_factory, module_municipality):
    """Two recipients' extracts of one history: six children in one municipality, two in
    the other; returns (municipalities, CPR numbers, {recipient: out dir}, CLI outputs)."""
    big, small = module_municipality(), module_municipality()
    cprs = child_cprs(6, 3) + child_cprs(2, 4)
    events = []
    for n, cpr in enumerate(cprs[:6]):
        events += case_history(big, f"case-{n}", cpr, MeasureKind.FAMILY_TREATMENT,
                               FAMILY_TREATMENT, before=3, after=5 + n % 3, ended=n < 4,
                               sdq=n == 0)  # fmt: skip
    for n, cpr in enumerate(cprs[6:]):
        events += case_history(small, f"case-{n}", cpr, MeasureKind.CONTACT_PERSON,
                               CONTACT_PERSON, before=4, after=6, ended=False)  # fmt: skip

    async def arrange():
        await ensure_topics(hub_kafka, hub_topics([big, small]), partitions=2,
                            replication=1)  # fmt: skip
        await publish(hub_kafka, events)

    asyncio.run(arrange())
    root = tmp_path_factory.mktemp("extracts")
    outs, outputs = {}, {}
    for recipient, key in (("dst", b"k" * 32), ("kl-research", b"r" * 40)):
        key_file = root / f"{recipient}.key"
        key_file.write_bytes(key)
        outs[recipient] = root / recipient
        result = CliRunner().invoke(main, [
            "outcomes", "extract", *cli_options(hub_kafka), "--municipality", big,
            "--municipality", small, "--period", "2026", "--out", str(outs[recipient]),
            "--recipient", recipient, "--key-file", str(key_file), "--operator", "analyst1",
            "--why", "national out-data set 2026", "--source", "history",
        ])  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs[recipient] = result.output
    return (big, small), cprs, outs, outputs


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def dictionary(out):
    return {(r["table"], r["column"]): r["type"] for r in read_csv(out / "dictionary.csv")}


def typed(value: str, kind: str) -> object:
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return value == "true"
    return value


def scopes(extracts):
    (big, small), _, _, _ = extracts
    return (big, small, "national")


def test_pseudonyms_differ_per_recipient_and_hold_no_cpr_number(extracts):
    (big, _), cprs, outs, _ = extracts
    children = {
        recipient: {r["child"] for r in read_csv(out / "national" / "child_measures.csv")}
        for recipient, out in outs.items()
    }
    assert len(children["dst"]) == len(children["kl-research"]) == 8
    assert children["dst"].isdisjoint(children["kl-research"])
    mine = {r["child"] for r in read_csv(outs["dst"] / big / "child_measures.csv")}
    assert mine <= children["dst"]  # one recipient: the same child, the same pseudonym
    for out in outs.values():
        for path in out.rglob("*.*"):
            text = path.read_bytes()
            for cpr in cprs:
                assert cpr.encode() not in text, path.name
                assert f"{cpr[:6]}-{cpr[6:]}".encode() not in text, path.name
            if path.suffix == ".csv":
                assert not has_cpr_shape(text.decode()), path.name


def test_a_row_of_fewer_than_five_children_is_suppressed(extracts):
    (big, small), _, outs, _ = extracts
    out = outs["dst"]
    [shown] = read_csv(out / big / "measures.csv")
    assert (shown["measure_kind"], shown["legal_basis"]) == (
        "family_treatment",
        "BL §32 stk. 1 nr. 3",
    )
    assert (shown["measures"], shown["children"], shown["ended"], shown["suppressed"]) == (
        "6", "6", "4", "false")  # fmt: skip
    assert shown["mean_duration_days"] == "150.0"  # 1 February to 30 June, both counted
    assert (shown["costed"], shown["committed"], shown["mean_cost_dkk"]) == ("6", "0", "120000.0")
    [hidden] = read_csv(out / small / "measures.csv")
    assert hidden["measure_kind"] == "contact_person"  # the key stays
    assert (hidden["measures"], hidden["children"], hidden["suppressed"]) == ("", "", "true")
    national = {r["measure_kind"]: r for r in read_csv(out / "national" / "measures.csv")}
    assert national["family_treatment"]["children"] == "6"
    assert national["contact_person"]["suppressed"] == "true"
    sdq = [r for r in read_csv(out / big / "progression.csv") if r["instrument"] == "sdq"]
    assert sdq == []  # one SDQ before, none after: no pair
    # Health was assessed in both: the small municipality's two children are blanked, and
    # so is the big one's row, else the national 8 minus its 6 would give them back.
    [small_health] = read_csv(out / small / "conditions.csv")
    [big_health] = read_csv(out / big / "conditions.csv")
    [health] = read_csv(out / "national" / "conditions.csv")
    assert (small_health["children"], small_health["suppressed"]) == ("", "true")
    assert (big_health["children"], big_health["suppressed"]) == ("", "true")
    assert (health["children"], health["mean_severity_before"], health["improved"]) == (
        "8", "3.0", "8")  # fmt: skip


def test_progression_and_goals_are_counted_between_time_points(extracts):
    (big, _), _, outs, _ = extracts
    [row] = read_csv(outs["dst"] / big / "progression.csv")
    assert (row["instrument"], row["from_time_point"], row["to_time_point"]) == (
        "trivselslinealen", "before", "after")  # fmt: skip
    assert (row["children"], row["mean_from"], row["mean_to"], row["mean_change"]) == (
        "6", "3.0", "6.0", "3.0")  # fmt: skip
    [goals] = read_csv(outs["dst"] / big / "goal_attainment.csv")
    assert (goals["attainment"], goals["goals"], goals["children"]) == ("attained", "6", "6")


def test_csv_and_parquet_carry_the_same_rows(extracts):
    _, _, outs, _ = extracts
    kinds = dictionary(outs["dst"])
    for scope in scopes(extracts):
        for table in TABLES:
            folder = outs["dst"] / scope
            from_csv = [
                {k: typed(v, kinds[table, k]) for k, v in row.items()}
                for row in read_csv(folder / f"{table}.csv")
            ]
            assert from_csv == pq.read_table(folder / f"{table}.parquet").to_pylist(), table


def test_the_dictionary_names_every_column_of_every_file(extracts):
    _, _, outs, _ = extracts
    out = outs["dst"]
    named = dictionary(out)
    seen = set()
    for scope in scopes(extracts):
        for table in TABLES:
            with (out / scope / f"{table}.csv").open(encoding="utf-8") as file:
                header = next(csv.reader(file))
            parquet = pq.read_schema(out / scope / f"{table}.parquet").names
            assert header == parquet
            seen |= {(table, column) for column in header}
    assert seen == set(named)
    labels = read_csv(out / "codelists.csv")
    assert {"conditions", "severity", "time_points"} <= {r["code_list"] for r in labels}


def test_each_extract_is_audited_in_every_municipality(extracts, hub_kafka):
    municipalities, _, _, outputs = extracts
    found = [re.search(r"extract (\S+):", out) for out in outputs.values()]
    extract_ids = {match.group(1) for match in found if match is not None}
    assert len(extract_ids) == 2
    for municipality in municipalities:
        lines = asyncio.run(read_audit(hub_kafka, municipality))
        actions = [line.record.action.value for line in lines]
        assert actions == [AuditActionV2.OUTCOMES_EXTRACT.value] * 2
        assert {line.record.principal for line in lines} == {"operator:analyst1"}
        refs = {line.record.subject_ref.removeprefix("outcomes-extract:") for line in lines}
        assert refs == extract_ids
        assert any("recipient dst" in line.record.reason for line in lines)
