"""The case journal on the real broker: a case's events from several topics, as steps in
time order across its sub-processes, read back from the changelog by ``casehub journal``,
with no CPR number, name or free text in it."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from contracts.binding import to_kafka
from contracts.case import CaseClosed, CaseClosure, CaseOpened, CaseWorkerAssigned, SubProcess
from contracts.envelope import new_event
from contracts.types import Cpr
from hub.cli.main import main
from hub.components.journal import MASK, read_journal
from hub.compose.app import create_app
from hub.runtime.serve import serving
from hub.web.viewer import Role
from routing.topics import topic, topic_for
from tests.factories import notification, short_id
from tests.kafka import cli_options, produce, wait_until_consumed
from tests.people import CHILD
from tests.web.dashboard.fixed_login import viewer
from tests.web.dashboard.pages import read_page

pytestmark = pytest.mark.kafka

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
NOTE = f"Anna Hansen ({CHILD}) moved away"


def case_events(municipality, case_id):
    at = [T0 + timedelta(hours=h) for h in range(5)]
    data = [
        notification(child_cpr=CHILD),
        CaseOpened(opened_at=at[1], child_cpr=Cpr(CHILD), sub_process=SubProcess.CLARIFICATION,
                   kle="27.24.00"),
        CaseWorkerAssigned(assigned_at=at[2], caseworker_id="cw-17", team="Team Nord"),
        CaseOpened(opened_at=at[3], child_cpr=Cpr(CHILD), sub_process=SubProcess.INVESTIGATION,
                   kle="27.24.03"),
        CaseClosed(closed_at=at[4], closure=CaseClosure.HANDED_OVER, note=NOTE),
    ]  # fmt: skip
    return [
        new_event(d, source="urn:test:case-system", municipality=municipality, case_id=case_id,
                  time=t)
        for d, t in zip(data, at, strict=True)
    ]  # fmt: skip


async def test_a_case_s_journal_is_its_events_in_order_masked(hub_settings):
    municipality = hub_settings.municipalities[0]
    settings = hub_settings.model_copy(update={"journal": True, "deadlines": None})
    case_id = short_id("C")
    events = case_events(municipality, case_id)
    other = case_events(municipality, short_id("C"))[:1]  # another case: not in this journal
    async with serving(create_app(settings)):
        # The case topic's events first, the intake's last: the journal orders by time.
        for event in [*events[1:], *other, events[0]]:
            record = to_kafka(event)
            await produce(settings.kafka, topic_for(event), record.value,
                          key=record.key, headers=record.headers)  # fmt: skip
        bootstrap = settings.kafka
        # Triage asks for the child's person data: that request is a step of the case too.
        await wait_until_consumed(
            bootstrap, f"{settings.group_prefix}.triage", [topic("intake", municipality)]
        )
        await wait_until_consumed(
            bootstrap,
            f"{settings.group_prefix}.journal",
            [topic(d, municipality) for d in ("intake", "case", "person")],
        )
    steps = await read_journal(
        settings.kafka,
        group=f"{settings.group_prefix}.journal",
        municipality=municipality,
        case_id=case_id,
    )
    *ours, asked = steps
    assert [s["event_id"] for s in ours] == [e.envelope.id for e in events]
    # The sub-process a step was taken in: the case's last CaseOpened by time, though the
    # notification came last.
    assert [s["sub_process"] for s in steps] == [
        None, "clarification", "clarification", "investigation", "investigation", "investigation"
    ]  # fmt: skip
    assert asked["type"] == "dk.casehub.person.lookup-requested"
    assert asked["causation_id"] == events[0].envelope.id
    opened, assigned, closed = steps[1]["fields"], steps[2]["fields"], steps[4]["fields"]
    assert opened["kle"] == "27.24.00"
    assert opened["child_cpr"] == MASK
    assert assigned["caseworker_id"] == "cw-17"
    assert assigned["team"] == MASK  # free text
    assert closed == {"closed_at": "2026-11-02T13:30:00Z", "closure": "handed_over", "note": MASK}
    assert steps[0]["fields"]["summary"] == MASK

    runner = CliRunner()
    args = ["journal", case_id, "--municipality", municipality, *cli_options(settings.kafka),
            "--group-prefix", settings.group_prefix]  # fmt: skip
    lines = await asyncio.to_thread(runner.invoke, main, args)
    assert lines.exit_code == 0, lines.output
    assert lines.output.splitlines()[0].startswith(
        "  1. 2026-11-02T09:30:00+00:00  [-]  dk.casehub.notification.received"
    )
    as_json = await asyncio.to_thread(runner.invoke, main, [*args, "--json"])
    assert json.loads(as_json.output) == steps
    hub = (settings.kafka, (municipality,), settings.group_prefix)
    asked_for = {"municipality": municipality, "case": case_id}
    page = (
        await read_page(*hub, viewer(Role.OPERATOR, municipality), "/journal", params=asked_for)
    ).text
    rows = page.split("<tbody>")[1].split("</tr>")[:-1]
    assert [r.split("<td>")[4].split(" v")[0] for r in rows] == [s["type"] for s in steps]
    assert "<td>clarification</td>" in rows[1]
    for output in (lines.output, as_json.output, page):
        assert CHILD not in output
        assert "Anna" not in output
        assert "Hansen" not in output
