import importlib
import pkgutil
import re
from pathlib import Path

from click.testing import CliRunner

import hub.deadlines
from hub.cli import main
from hub.deadlines import events
from hub.deadlines.doc import render_markdown
from hub.deadlines.model import Unit
from hub.deadlines.rules import RULES, RULES_BY_ID, rules_for

DOC = Path(__file__).parents[3] / "docs" / "deadlines.md"
EVENT_TYPES = {getattr(events, name) for name in events.__all__}


def test_docs_match_the_table():
    assert DOC.read_text(encoding="utf-8") == render_markdown()


def test_rules_command_prints_the_doc():
    result = CliRunner().invoke(main, ["deadlines", "rules"])
    assert (result.exit_code, result.output) == (0, render_markdown())


def test_ids_are_unique_and_stable_shaped():
    assert len(RULES_BY_ID) == len(RULES)
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*", r.id) for r in RULES)


def test_every_event_type_a_rule_reads_is_a_named_one():
    for rule in RULES:
        assert {rule.trigger, *rule.fulfilled_by} <= EVENT_TYPES, rule.id
        assert rule.before is None or rule.before in EVENT_TYPES


def test_the_events_docstring_lists_every_type():
    listed = set(re.findall(r"``(dk\.casehub\.[a-z.-]+)``", events.__doc__ or ""))
    assert listed == EVENT_TYPES


def test_every_rule_has_a_legal_basis_and_a_due_time_or_a_before_event():
    for rule in RULES:
        assert rule.basis.sel or rule.basis.bl or rule.basis.other, rule.id
        assert (rule.unit is Unit.BEFORE_EVENT) == (rule.before is not None), rule.id


def test_domain_rows_are_all_present():
    assert {
        "notification.acute-assessment",
        "notification.receipt",
        "investigation.completed",
        "investigation.provisional-assessment",
        "decision.child-heard",
        "plan.supporting-measure",
        "plan.placement",
        "plan.placement-without-consent",
        "plan.youth",
        "follow-up.first",
        "committee.presentation",
        "statistics.placement-decision",
        "statistics.placement-event",
        "aftercare.decision",
        "appeal.period",
    } <= set(RULES_BY_ID)


def test_the_appeal_clock_starts_on_delivery_not_on_the_decision():
    assert [r.id for r in rules_for(events.LETTER_DELIVERED)] == ["appeal.period"]
    assert all(r.id != "appeal.period" for r in rules_for(events.MEASURE_DECIDED))


def test_every_module_declares_a_sorted_all():
    names = [hub.deadlines.__name__] + [
        f"{hub.deadlines.__name__}.{m.name}" for m in pkgutil.iter_modules(hub.deadlines.__path__)
    ]
    for name in names:
        exported = importlib.import_module(name).__all__
        upper = [n for n in exported if n.isupper()]
        assert exported == sorted(upper) + sorted(n for n in exported if not n.isupper()), name


def test_the_package_exports_exactly_its_public_names():
    public = {n for n in vars(hub.deadlines) if not n.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(hub.deadlines.__path__)}
    assert set(hub.deadlines.__all__) == public - modules - {"annotations"}
