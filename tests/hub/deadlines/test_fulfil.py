import datetime as dt
from dataclasses import replace

import pytest

from hub.clock import events as ev
from hub.clock.fulfil import counts, link_of, meets, met_at
from hub.clock.model import LegalBasis
from hub.clock.rules import RULES, RULES_BY_ID
from hub.components.deadlines.basis import contract_basis
from tests.hub.deadlines.clock import local

TIME = local(2027, 1, 5, 9)
PLAN = RULES_BY_ID["plan.supporting-measure"]
REPORT = RULES_BY_ID["statistics.placement-decision"]


class TestMeets:
    def test_a_plan_meets_the_measures_it_names(self):
        link = link_of(PLAN, {"measure_id": "m-1"})
        plan = {"kind": "child_plan", "measure_ids": ["m-0", "m-1"]}
        assert meets(PLAN, link, ev.PLAN_CREATED, plan, TIME)
        assert not meets(PLAN, link, ev.PLAN_CREATED, {**plan, "measure_ids": ["m-2"]}, TIME)

    def test_a_plan_that_names_no_measure_is_matched_by_case(self):
        link = link_of(PLAN, {"measure_id": "m-1"})
        assert meets(PLAN, link, ev.PLAN_CREATED, {"kind": "child_plan", "measure_ids": []}, TIME)

    def test_a_youth_plan_does_not_meet_the_childs_plan(self):
        plan = {"kind": "youth_plan", "measure_ids": ["m-1"]}
        assert not meets(PLAN, "m-1", ev.PLAN_CREATED, plan, TIME)

    def test_only_a_placement_report_on_the_decision_meets_the_statistics_deadline(self):
        report = {"kind": "placement", "subject_id": "d-1"}
        assert meets(REPORT, "d-1", ev.STATISTICS_REPORTED, report, TIME)
        assert not meets(
            REPORT, "d-1", ev.STATISTICS_REPORTED, {**report, "kind": "notification"}, TIME
        )
        assert not meets(
            REPORT, "d-1", ev.STATISTICS_REPORTED, {**report, "subject_id": "d-2"}, TIME
        )

    def test_other_types_never_meet(self):
        assert not meets(PLAN, None, ev.NOTIFICATION_ASSESSED, {}, TIME)


class TestCounts:
    """Whether a fulfilment counts, by when it happened against the clock's start day."""

    START = local(2027, 1, 5, 9)
    BEFORE = local(2027, 1, 4, 23, 59)  # the day before
    SAME_DAY = local(2027, 1, 5, 0, 1)  # minutes into the start day, before the start

    @pytest.mark.parametrize("rule_id", sorted(RULES_BY_ID))
    def test_from_the_start_day_every_rule_counts_it(self, rule_id):
        rule = RULES_BY_ID[rule_id]
        for at in (self.SAME_DAY, self.START, self.START + dt.timedelta(days=400)):
            assert counts(rule, "x-1", {}, at, self.START), rule_id

    def test_ignored_before_the_start_day(self):
        report = RULES_BY_ID["statistics.placement-start"]
        named = {"kind": "placement", "subject_id": "m-1"}
        assert not counts(report, "m-1", named, self.BEFORE, self.START)

    def test_counts_if_named_before_the_start_day_when_it_names_the_record(self):
        plan = {"kind": "child_plan", "measure_ids": ["m-0", "m-1"]}
        assert counts(PLAN, "m-1", plan, self.BEFORE, self.START)
        assert not counts(PLAN, "m-1", {**plan, "measure_ids": []}, self.BEFORE, self.START)
        assert not counts(PLAN, None, plan, self.BEFORE, self.START)
        appeal = RULES_BY_ID["appeal.period"]
        assert counts(appeal, "d-1", {"decision_id": "d-1"}, self.BEFORE, self.START)

    def test_counts_whenever_it_happened(self):
        aftercare = RULES_BY_ID["aftercare.decision"]
        assert counts(aftercare, None, {}, self.BEFORE - dt.timedelta(days=300), self.START)


class TestMetAt:
    def test_reads_the_facts_own_time(self):
        at = local(2027, 1, 4, 15)
        assert met_at(ev.NOTIFICATION_ASSESSED, {"assessed_at": at.isoformat()}, TIME) == at

    def test_an_appeal_counts_from_the_day_it_was_received(self):
        assert met_at(ev.APPEAL_FORWARDED, {"received_on": "2027-01-02"}, TIME) == local(2027, 1, 2)

    def test_falls_back_to_the_envelope_time(self):
        assert met_at(ev.MEASURE_STARTED, {}, TIME) == TIME


def test_the_contract_basis_prefers_barnets_lov_then_serviceloven_then_the_other_act():
    bases = {rule.id: str(contract_basis(rule)) for rule in RULES}
    assert bases["notification.acute-assessment"] == "BL §136"
    assert bases["notification.receipt"] == "BL §137"
    assert bases["committee.presentation"] == "SEL §75 stk. 3"  # BL §143 is unverified
    assert bases["appeal.period"] == "RSL §67"
    statistics = {bases[r] for r in bases if r.startswith("statistics.")}
    assert statistics == {"DATABEK"}


def test_every_rule_has_a_basis_the_deadline_contracts_carry():
    for rule in RULES_BY_ID.values():
        assert contract_basis(rule).law.value in {"SEL", "BL", "RSL", "DATABEK"}, rule.id


def test_a_rule_without_such_a_basis_is_a_table_error():
    unverified = replace(PLAN, basis=LegalBasis(sel=None, bl="BL §143 (unverified)"))
    with pytest.raises(ValueError, match=r"rule plan\.supporting-measure: no legal basis"):
        contract_basis(unverified)
