import datetime as dt
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hub.cli.main import main
from tests.people import cpr_for

SECRET = cpr_for(dt.date(2012, 7, 9))


def structured(event_type, data, time="2026-04-01T08:00:00Z"):
    return {"specversion": "1.0", "id": "evt-1", "type": event_type, "time": time, "data": data}


def run(args, stdin=None):
    return CliRunner().invoke(main, ["deadlines", *args], input=stdin)


class TestDue:
    def test_reads_a_structured_event_from_stdin(self):
        event = structured(
            "dk.casehub.notification.received",
            {"received_at": "2026-04-01T10:00:00+02:00", "child_cpr": SECRET},
        )
        result = run(["due", "-"], json.dumps(event))
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == [
            {
                "rule": "notification.acute-assessment",
                "due_at": "2026-04-02T10:00:00+02:00",
                "escalate_at": "2026-04-02T04:00:00+02:00",
                "before": None,
                "legal_basis": {"sel": "SEL §155 stk. 2", "bl": "BL §136", "other": None},
                "concerns": "case_worker",
            },
            {
                "rule": "notification.receipt",
                "due_at": "2026-04-14T23:59:59.999999+02:00",
                "escalate_at": "2026-04-10T23:59:59.999999+02:00",
                "before": None,
                "legal_basis": {"sel": "SEL §155 b", "bl": "BL §137", "other": None},
                "concerns": "case_worker",
            },
        ]
        assert SECRET not in result.output

    def test_reads_a_file_and_shows_offsets_in_winter_and_summer(self, tmp_path):
        path = tmp_path / "event.json"
        event = structured(
            "dk.casehub.letter.delivered",
            {"decision_id": "d-1", "delivered_at": "2027-01-03T08:00:00+01:00"},
            "2027-01-03T08:00:00+01:00",
        )
        path.write_text(json.dumps(event))
        result = run(["due", str(path)])
        assert result.exit_code == 0, result.output
        (appeal,) = json.loads(result.output)
        assert appeal["rule"] == "appeal.period"
        assert appeal["due_at"] == "2027-01-31T23:59:59.999999+01:00"
        assert appeal["escalate_at"] is None
        assert appeal["legal_basis"]["other"] == "Retssikkerhedsloven §67"
        assert appeal["concerns"] == "parties"

    def test_a_proposal_sets_the_duties_before_the_decision(self):
        data = {
            "kind": "placement_without_consent",
            "consent": False,
            "proposed_at": "2026-04-01T10:00:00+02:00",
            "decision_planned_at": "2026-04-15T13:00:00+02:00",
        }
        result = run(
            ["due", "-"], json.dumps(structured("dk.casehub.decision.measure-proposed", data))
        )
        assert result.exit_code == 0, result.output
        found = json.loads(result.output)
        assert [d["rule"] for d in found] == [
            "decision.child-heard",
            "plan.placement-without-consent",
        ]
        assert {d["due_at"] for d in found} == {"2026-04-15T13:00:00+02:00"}
        assert {d["before"] for d in found} == {"dk.casehub.decision.measure-decided"}

    def test_a_decision_needs_the_childs_birth_date(self):
        event = structured(
            "dk.casehub.decision.measure-decided", {"kind": "consultancy", "consent": True}
        )
        result = run(["due", "-"], json.dumps(event))
        assert result.exit_code == 1
        assert result.output.startswith("error: data.child_birth_date:")
        given = run(["due", "--child-birth-date", "2010-04-01", "-"], json.dumps(event))
        assert given.exit_code == 0, given.output
        rules = [d["rule"] for d in json.loads(given.output)]
        assert rules == ["plan.supporting-measure", "plan.youth"]

    def test_an_event_without_deadlines_prints_an_empty_list(self):
        event = structured("dk.casehub.notification.assessed", {})
        result = run(["due", "-"], json.dumps(event))
        assert (result.exit_code, json.loads(result.output)) == (0, [])


class TestBadInput:
    @pytest.mark.parametrize(
        ("stdin", "message"),
        [
            (f"not json {SECRET}", "error: input: not a JSON document (UTF-8)"),
            (json.dumps([SECRET]), "error: input: expected a JSON object"),
            (
                json.dumps({**structured("t", {}), "specversion": SECRET}),
                "error: specversion: expected 1.0",
            ),
            (json.dumps({**structured("t", {}), "id": ""}), "error: id: required"),
            (json.dumps({**structured("t", {}), "time": SECRET}), "error: time: required"),
            (
                json.dumps({**structured("t", {}), "time": "2026-04-01T08:00:00"}),
                "error: time: required",
            ),
            (json.dumps({**structured("t", {}), "data": SECRET}), "error: data: required"),
            (
                json.dumps(structured("dk.casehub.notification.received", {"received_at": SECRET})),
                "error: data.received_at: required",
            ),
            (b"\xff\xfe" + SECRET.encode(), "error: input: not a JSON document"),
            ("[" * 100_000, "error: input: not a JSON document"),
        ],
    )
    def test_exits_1_with_one_line_and_no_input(self, stdin, message):
        result = run(["due", "-"], stdin)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(message)
        assert result.stderr.count("\n") == 1
        assert SECRET not in result.stderr
        assert "Traceback" not in result.output

    def test_a_missing_file(self, tmp_path):
        result = run(["due", str(tmp_path / "absent.json")])
        assert (result.exit_code, result.stderr) == (1, "error: input: cannot read the file\n")

    def test_too_large_an_input(self):
        result = run(["due", "-"], " " * (1 << 20) + "{}")
        assert (result.exit_code, result.stderr) == (
            1,
            "error: input: larger than one event can be (1 MiB)\n",
        )


def test_loading_the_command_does_not_import_pydantic():
    # `casehub --help` loads this group; pydantic is only needed to read a CPR number.
    code = "import sys, hub.components.deadlines.commands; sys.exit('pydantic' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
