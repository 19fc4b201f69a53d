"""The outcomes component on the real broker: the extract from its state is the fold's.

A running hub with the component folds a small history (outcome events published before the
decisions they belong to, a commitment from finance, a redelivered measurement); then
``casehub outcomes extract`` reads the component's changelog (``--source state``) and, for
comparison, folds the topics' history (``--source history``): every file is the same.
"""

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from click.testing import CliRunner

from contracts.binding import to_kafka
from contracts.decision import MeasureKind
from contracts.decision import Period as DecidedPeriod
from contracts.envelope import new_event
from contracts.finance import CommitmentCreated
from hub.cli.main import main
from hub.components.outcomes.model import FOLDED
from hub.compose.app import create_app
from hub.runtime.serve import serving
from routing.topics import topic, topic_for
from tests.components.outcomes.history import FAMILY_TREATMENT, case_history, child_cprs
from tests.kafka import cli_options, produce, wait_until_consumed

pytestmark = pytest.mark.kafka


def history(municipality):
    events = []
    for n, cpr in enumerate(child_cprs(6, 10)):
        case = case_history(municipality, f"case-{n}", cpr, MeasureKind.FAMILY_TREATMENT,
                            FAMILY_TREATMENT, before=3 + n % 2, after=7, ended=n < 3)  # fmt: skip
        commitment = CommitmentCreated(
            commitment_id=f"k-{n}",
            measure_id=f"case-{n}-m1",
            account="5.28.21",
            amount=Decimal(100_000 + n),
            period=DecidedPeriod(start=dt.date(2026, 2, 1)),
        )
        at = case[-1].envelope.time + dt.timedelta(hours=1)
        paid = new_event(
            commitment,
            source="urn:vendor:finance",
            municipality=municipality,
            case_id=f"case-{n}",
            time=at,
        )
        events += [*case, paid]
    outcome_first = sorted(events, key=lambda e: e.envelope.type.startswith("dk.casehub.decision"))
    return [*outcome_first, events[5]]  # a measurement delivered twice


def extract(kafka, municipality, out, *args):
    key = out.parent / "dst.key"
    key.write_bytes(b"k" * 32)
    result = CliRunner().invoke(main, [
        "outcomes", "extract", *cli_options(kafka), "--municipality", municipality,
        "--period", "2026", "--out", str(out), "--recipient", "dst", "--key-file", str(key),
        "--operator", "analyst1", "--why", "state against history", *args,
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


async def test_the_extract_from_the_component_s_state_equals_the_history_fold(
    hub_settings, tmp_path
):
    municipality = hub_settings.municipalities[0]
    settings = hub_settings.model_copy(update={"outcomes": True, "deadlines": None})
    state_args = ["--source", "state", "--group-prefix", settings.group_prefix]
    runner_args = (settings.kafka, municipality)
    missing = await asyncio.to_thread(CliRunner().invoke, main, [
        "outcomes", "extract", *cli_options(settings.kafka), "--municipality", municipality,
        "--period", "2026", "--out", str(tmp_path / "none"), "--recipient", "dst",
        "--key-file", __file__, "--operator", "a", "--why", "w", *state_args,
    ])  # fmt: skip
    # The component never ran: no state, and no empty extract.
    assert missing.exit_code == 1
    assert "no outcomes state" in missing.output
    assert not (tmp_path / "none").exists()
    events = history(municipality)
    async with serving(create_app(settings)):
        for event in events:
            record = to_kafka(event)
            await produce(settings.kafka, topic_for(event), record.value, key=record.key,
                          headers=record.headers)  # fmt: skip
        domains = sorted({c.domain for c in FOLDED})
        await wait_until_consumed(settings.kafka, f"{settings.group_prefix}.outcomes",
                                  [topic(d, municipality) for d in domains])  # fmt: skip
    from_state, from_history = tmp_path / "state" / "out", tmp_path / "history" / "out"
    from_state.parent.mkdir()
    from_history.parent.mkdir()
    await asyncio.to_thread(extract, *runner_args, from_state, *state_args)
    await asyncio.to_thread(extract, *runner_args, from_history, "--source", "history")
    files = sorted(p.relative_to(from_state) for p in from_state.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(from_history) for p in from_history.rglob("*")
                           if p.is_file())  # fmt: skip
    for name in files:
        assert (from_state / name).read_bytes() == (from_history / name).read_bytes(), name
    measures = (from_state / municipality / "measures.csv").read_text().splitlines()
    # Six measures, all costed from finance's commitments (100 000 … 100 005 DKK).
    assert measures[1].endswith(",6,6,100002.5,false"), measures
