import importlib
import pkgutil
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import hub.clock
from contracts.catalogue import CATALOGUE
from contracts.deadlines import DeadlineSet
from hub.cli.main import main
from hub.clock import events
from hub.clock.doc import render_markdown
from hub.clock.model import Ending, Prior, Unit, Withdrawal
from hub.clock.rules import RULES, RULES_BY_ID, rules_for
from hub.components.deadlines.engine import EVENT_TYPES as CONSUMED

DOC = Path(__file__).parents[3] / "docs" / "deadlines.md"
EVENT_TYPES = {value for name in events.__all__ if isinstance(value := getattr(events, name), str)}
CATALOGUED = {event_type for event_type, _ in CATALOGUE}


def test_docs_match_the_table():
    assert DOC.read_text(encoding="utf-8") == render_markdown()


def test_rules_command_prints_the_doc():
    result = CliRunner().invoke(main, ["deadlines", "rules"])
    assert (result.exit_code, result.output) == (0, render_markdown())


def test_ids_are_unique_and_stable_shaped():
    assert len(RULES_BY_ID) == len(RULES)
    assert all(
        re.fullmatch(r"[a-z]+(?:-[a-z]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*", r.id)
        for r in RULES_BY_ID.values()
    )


def test_contract_ids_are_unique_and_fit_the_deadline_contracts():
    pattern = DeadlineSet.model_fields["rule_id"].metadata[0].pattern
    ids = {rule.contract_id for rule in RULES_BY_ID.values()}
    assert len(ids) == len(RULES_BY_ID)
    assert all(re.fullmatch(pattern, i) for i in ids)


def test_every_event_type_a_rule_reads_is_a_named_one():
    for rule in RULES:
        assert {rule.trigger, *rule.fulfilled_by} <= EVENT_TYPES, rule.id
        assert rule.before is None or rule.before in EVENT_TYPES
        assert {w.event_type for w in rule.withdrawn_by} <= EVENT_TYPES, rule.id


def test_every_type_a_rule_names_is_in_the_catalogue():
    assert EVENT_TYPES <= CATALOGUED
    assert set(events.MET_AT) <= CATALOGUED


def test_met_at_fields_and_link_fields_are_fields_of_the_contracts():
    contracts = {event_type: c for (event_type, _), c in CATALOGUE.items()}
    for event_type, field in events.MET_AT.items():
        assert field in contracts[event_type].model_fields, event_type
    # added by the engine from earlier events (see events.py)
    enriched = {"decision_id", "kind", "consent", "child_birth_date"}
    for rule in RULES:
        trigger_fields = set(contracts[rule.trigger].model_fields)
        for named in (rule.starts, rule.planned):
            assert named is None or named in trigger_fields, rule.id
        if rule.link:
            assert rule.link[0] in trigger_fields | enriched, rule.id
            for fulfilling in rule.fulfilled_by:
                assert rule.link[1] in contracts[fulfilling].model_fields, rule.id
        if rule.before and rule.before_link:
            assert rule.before_link[0] in trigger_fields, rule.id
            assert rule.before_link[1] in contracts[rule.before].model_fields, rule.id


def test_withdrawal_links_are_fields_of_the_trigger_and_the_ending():
    contracts = {event_type: c for (event_type, _), c in CATALOGUE.items()}
    for rule in RULES:
        for ending in rule.withdrawn_by:
            if ending.link is not None:
                assert ending.link[0] in contracts[rule.trigger].model_fields, rule.id
                assert ending.link[1] in contracts[ending.event_type].model_fields, rule.id
            assert events.MET_AT[ending.event_type] in contracts[ending.event_type].model_fields


MEASURE_AND_CASE = {"measure_ended", "case_closed"}
CASE = {"case_closed"}
NEVER: set[str] = set()


@pytest.mark.parametrize(
    ("rule_id", "endings"),
    [
        # Owed for the notification itself, to the child's safety and to the notifier.
        ("notification.acute-assessment", NEVER),
        ("notification.receipt", NEVER),
        # Case work ends with the case.
        ("investigation.completed", CASE),
        ("investigation.provisional-assessment", CASE),
        ("decision.child-heard", CASE),
        ("plan.placement-without-consent", CASE),
        # A measure's own plans, follow-up and aftercare end with it, and with the case.
        ("plan.supporting-measure", MEASURE_AND_CASE),
        ("plan.placement", MEASURE_AND_CASE),
        ("plan.youth", MEASURE_AND_CASE),
        ("follow-up.first", MEASURE_AND_CASE),
        ("aftercare.decision", MEASURE_AND_CASE),
        # Owed to the parties and to Danmarks Statistik whatever happens next.
        ("committee.presentation", NEVER),
        ("statistics.placement-decision", NEVER),
        ("statistics.placement-start", NEVER),
        ("statistics.placement-event", NEVER),
        ("appeal.period", NEVER),
    ],
)
def test_which_endings_withdraw_each_rule(rule_id, endings):
    rule = RULES_BY_ID[rule_id]
    assert {w.reason.value for w in rule.withdrawn_by} == endings
    for ending in rule.withdrawn_by:  # a measure's ending names the trigger's measure
        assert (ending.link is None) is (ending.event_type == events.CASE_CLOSED)


@pytest.mark.parametrize(
    ("prior", "rule_ids"),
    [
        (Prior.COUNTS, {"aftercare.decision"}),
        (
            Prior.COUNTS_IF_NAMED,
            {
                "notification.acute-assessment",
                "notification.receipt",
                "investigation.completed",
                "investigation.provisional-assessment",
                "plan.supporting-measure",
                "plan.placement",
                "plan.youth",
                "appeal.period",
                "handover.receipt",
                "handover.answer",
            },
        ),
        (
            Prior.IGNORED,
            {
                "decision.child-heard",
                "plan.placement-without-consent",
                "follow-up.first",
                "committee.presentation",
                "statistics.placement-decision",
                "statistics.placement-start",
                "statistics.placement-event",
                "statistics.placement-follow-up",
                "statistics.placement-committee",
                "statistics.placement-end",
                "statistics.aftercare-decision",
                "statistics.responsibility-transfer",
            },
        ),
    ],
)
def test_whether_a_fulfilment_before_the_start_day_counts(prior, rule_ids):
    assert {rule.id for rule in RULES if rule.prior is prior} == rule_ids


def test_counts_if_named_needs_a_record_to_name():
    for rule in RULES:
        assert rule.prior is not Prior.COUNTS_IF_NAMED or rule.link is not None, rule.id


def test_the_engine_consumes_every_ending():
    assert {events.MEASURE_ENDED, events.CASE_CLOSED} <= CONSUMED


def test_a_rule_due_before_an_event_reads_when_that_event_is_planned():
    for rule in RULES:
        assert (rule.unit is Unit.BEFORE_EVENT) == (rule.planned is not None), rule.id


def test_the_events_docstring_lists_every_type():
    listed = set(re.findall(r"``(dk\.casehub\.[a-z.-]+)``", events.__doc__ or ""))
    assert listed == EVENT_TYPES


def test_every_rule_has_a_legal_basis_and_a_due_time_or_a_before_event():
    for rule in RULES_BY_ID.values():
        assert rule.basis.sel or rule.basis.bl or rule.basis.other, rule.id
        assert (rule.unit is Unit.BEFORE_EVENT) == (rule.before is not None), rule.id


def test_every_row_of_the_domain_is_a_running_rule():
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
        "statistics.placement-start",
        "statistics.placement-event",
        "statistics.placement-follow-up",
        "statistics.placement-committee",
        "statistics.placement-end",
        "statistics.aftercare-decision",
        "statistics.responsibility-transfer",
        "aftercare.decision",
        "appeal.period",
        # The hub's watch on a handover's receipt and answer (not a row of the domain).
        "handover.receipt",
        "handover.answer",
    } == {rule.id for rule in RULES}


def test_the_appeal_clock_starts_on_delivery_not_on_the_decision():
    assert [r.id for r in rules_for(events.LETTER_DELIVERED)] == ["appeal.period"]
    assert all(r.id != "appeal.period" for r in rules_for(events.MEASURE_DECIDED))
    assert RULES_BY_ID["appeal.period"].starts == "delivered_at"


def test_every_module_declares_a_sorted_all():
    names = [hub.clock.__name__] + [
        f"{hub.clock.__name__}.{m.name}" for m in pkgutil.iter_modules(hub.clock.__path__)
    ]
    for name in names:
        exported = importlib.import_module(name).__all__
        upper = [n for n in exported if n.isupper()]
        assert exported == sorted(upper) + sorted(n for n in exported if not n.isupper()), name


def test_the_package_exports_exactly_its_public_names():
    public = {n for n in vars(hub.clock) if not n.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(hub.clock.__path__)}
    assert set(hub.clock.__all__) == public - modules - {"annotations"}


class TestRuleShape:
    BASE = RULES_BY_ID["decision.child-heard"]

    @pytest.mark.parametrize(
        "changes",
        [
            {"planned": None},  # due before an event, but when is it planned?
            {"before": None},
            {"amount": 3},
            {"unit": Unit.WEEKS, "amount": 2},  # a timed rule names no `before`
            {"link": ("decision_id", "measure_ids")},  # two records for one deadline
            {"withdrawn_by": (Withdrawal(events.CHILD_HEARD, Ending.CASE_CLOSED),)},
            {"withdrawn_by": (Withdrawal(events.MEASURE_DECIDED, Ending.CASE_CLOSED),)},
            {"withdrawn_by": (Withdrawal(events.CASE_CLOSED, Ending.CASE_CLOSED),) * 2},
        ],
    )
    def test_a_malformed_rule_is_refused(self, changes):
        with pytest.raises(ValueError, match=r"rule decision\.child-heard"):
            replace(self.BASE, **changes)

    def test_a_timed_rule_links_no_before_event(self):
        timed = RULES_BY_ID["plan.placement"]
        with pytest.raises(ValueError, match="BEFORE_EVENT"):
            replace(timed, before_link=("measure_id", "measure_id"))

    def test_the_record_is_the_trigger_field_either_link_names(self):
        assert self.BASE.record_field == "measure_id"  # its `before_link` only
        assert RULES_BY_ID["plan.placement"].record_field == "measure_id"
        assert RULES_BY_ID["committee.presentation"].record_field is None
