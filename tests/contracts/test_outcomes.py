"""The outcome contracts: each instrument's ranges, who may answer it, and its time points."""

import json
from typing import ClassVar

import pytest
from pydantic import ValidationError

from contracts.codelists import CODE_LISTS, CONDITIONS, INFORMANTS, SEVERITY, Informant, Severity
from contracts.ics import IcsDimension
from contracts.outcomes import (
    ConditionsAssessed,
    GoalAttainmentAssessed,
    OrsScored,
    SdqScored,
    SrsScored,
    WellbeingRated,
)
from contracts.registry import schema_of
from contracts.sdq import REVERSED, SUBSCALE_ITEMS

MEASUREMENT = {
    "measurement_id": "m-1",
    "measure_id": "measure-1",
    "time_point": "before",
    "measured_on": "2026-03-02",
    "informant": "child",
}


def wire(contract, **data):
    """Validate as the wire delivers it: JSON text, strict."""
    return contract.model_validate_json(json.dumps(data))


def rejected(contract, **data):
    with pytest.raises(ValidationError) as caught:
        wire(contract, **data)
    return caught.value


class TestCodeLists:
    def test_every_condition_and_severity_has_a_danish_label(self):
        assert set(CONDITIONS.labels) == {d.value for d in IcsDimension}
        assert set(SEVERITY.labels) == {str(s.value) for s in Severity}
        assert CONDITIONS.label("health") == "Sundhed"

    def test_every_list_names_its_source_and_version(self):
        for code_list in CODE_LISTS.values():
            assert code_list.source
            assert code_list.version == "2026.1"
            assert all(code_list.labels.values())
        assert set(INFORMANTS.labels) == {i.value for i in Informant}


class TestConditions:
    BASE: ClassVar = {
        "assessment_id": "a-1",
        "time_point": "before",
        "assessed_on": "2026-03-01",
        "code_list_version": "2026.1",
    }

    def test_each_dimension_carries_a_severity(self):
        event = wire(ConditionsAssessed, **self.BASE,
                     conditions=[{"dimension": "health", "severity": 3}])  # fmt: skip
        assert event.conditions[0].severity is Severity.SEVERE

    @pytest.mark.parametrize("severity", [-1, 5, "3"])
    def test_severity_outside_the_scale_is_rejected(self, severity):
        rejected(ConditionsAssessed, **self.BASE,
                 conditions=[{"dimension": "health", "severity": severity}])  # fmt: skip

    def test_a_dimension_assessed_twice_is_rejected(self):
        twice = [{"dimension": "health", "severity": 1}, {"dimension": "health", "severity": 2}]
        error = rejected(ConditionsAssessed, **self.BASE, conditions=twice)
        assert "at most once" in str(error)

    def test_an_unknown_code_list_version_is_rejected(self):
        rejected(ConditionsAssessed, **{**self.BASE, "code_list_version": "2025.9"},
                 conditions=[{"dimension": "health", "severity": 1}])  # fmt: skip

    def test_free_text_is_sensitive_and_never_in_repr(self):
        noted = [{"dimension": "health", "severity": 1, "note": "Qzsecret"}]
        event = wire(ConditionsAssessed, **self.BASE, conditions=noted)
        assert "Qzsecret" not in repr(event)
        note = schema_of(ConditionsAssessed)["$defs"]["Condition"]["properties"]["note"]
        assert note["x-classification"] == "sensitive"
        assert ConditionsAssessed.classification().value == "sensitive"


class TestGoalAttainment:
    BASE: ClassVar = {
        "plan_id": "plan-1",
        "goal_id": "goal-1",
        "goal": "Går i skole hver dag",
        "assessed_on": "2026-06-01",
        "attainment": "partly_attained",
    }

    @pytest.mark.parametrize("time_point", ["during", "after"])
    def test_attainment_during_or_after_a_measure(self, time_point):
        assert wire(GoalAttainmentAssessed, **self.BASE, time_point=time_point).attainment

    def test_attainment_before_the_measure_is_rejected(self):
        error = rejected(GoalAttainmentAssessed, **self.BASE, time_point="before")
        assert "during or after" in str(error)

    def test_unknown_attainment_is_rejected(self):
        rejected(
            GoalAttainmentAssessed, **{**self.BASE, "attainment": "mostly"}, time_point="after"
        )


class TestTrivselslinealen:
    @pytest.mark.parametrize("score", [1, 10])
    def test_the_ends_of_the_line_are_allowed(self, score):
        assert wire(WellbeingRated, **MEASUREMENT, score=score).score == score

    @pytest.mark.parametrize("score", [0, 11])
    def test_outside_one_to_ten_is_rejected(self, score):
        rejected(WellbeingRated, **MEASUREMENT, score=score)

    def test_a_teacher_does_not_rate_it(self):
        error = rejected(WellbeingRated, **{**MEASUREMENT, "informant": "teacher"}, score=5)
        assert "Trivselslinealen is not answered by teacher" in str(error)

    @pytest.mark.parametrize("time_point", ["before", "during", "after"])
    def test_every_time_point_belongs_to_a_measure(self, time_point):
        event = wire(WellbeingRated, **{**MEASUREMENT, "time_point": time_point}, score=4)
        assert (event.time_point.value, event.measure_id) == (time_point, "measure-1")

    def test_a_measurement_without_its_measure_is_rejected(self):
        data = {k: v for k, v in MEASUREMENT.items() if k != "measure_id"}
        rejected(WellbeingRated, **data, score=4)


def sdq_ticks(**by_item):
    """25 ticks of 0, with the given items (``i7=2``) set."""
    return [by_item.get(f"i{n}", 0) for n in range(1, 26)]


class TestSdq:
    def sdq(self, items, scores=None, informant="parent", age=9):
        data = {**MEASUREMENT, "informant": informant, "child_age_years": age, "items": items}
        if scores is not None:
            data["scores"] = scores
        return wire(SdqScored, **data)

    def test_all_zero_ticks_score_the_reversed_items_as_two(self):
        # "not true" on a strength worded item (obedient, good friend …) is a difficulty
        scores = self.sdq(sdq_ticks()).standard_scores()
        assert (scores.emotional, scores.conduct, scores.hyperactivity, scores.peer) == (0, 2, 4, 4)
        assert (scores.prosocial, scores.total_difficulties) == (0, 10)

    def test_the_five_reversed_items_are_the_standard_ones(self):
        assert sorted(REVERSED) == [7, 11, 14, 21, 25]
        assert sorted(n for items in SUBSCALE_ITEMS.values() for n in items) == list(range(1, 26))

    def test_worst_answers_give_the_maximum_difficulties(self):
        worst = [0 if n in REVERSED else 2 for n in range(1, 26)]
        scores = self.sdq(worst).standard_scores()
        assert scores.total_difficulties == 40
        assert scores.prosocial == 10  # prosocial items ticked 2 too: it is not a difficulty

    def test_sent_scores_matching_the_standard_scoring_are_accepted(self):
        ticks = sdq_ticks(i3=2, i5=1, i7=2, i1=1)
        scores = {"emotional": 2, "conduct": 1, "hyperactivity": 4, "peer": 4,
                  "prosocial": 1, "total_difficulties": 11}  # fmt: skip
        assert self.sdq(ticks, scores).scores == self.sdq(ticks).standard_scores()

    def test_scores_that_forget_the_reversed_items_are_rejected(self):
        naive = {"emotional": 0, "conduct": 0, "hyperactivity": 0, "peer": 0,
                 "prosocial": 0, "total_difficulties": 0}  # fmt: skip
        with pytest.raises(ValidationError, match="standard SDQ scoring"):
            self.sdq(sdq_ticks(), naive)

    @pytest.mark.parametrize("items", [sdq_ticks()[:24], [*sdq_ticks()[:24], 3], [*sdq_ticks(), 0]])
    def test_not_25_ticks_of_0_to_2_is_rejected(self, items):
        with pytest.raises(ValidationError):
            self.sdq(items)

    def test_self_report_is_for_ages_11_to_17(self):
        assert self.sdq(sdq_ticks(), informant="child", age=11).informant is Informant.CHILD
        with pytest.raises(ValidationError, match="self-report is for ages 11-17"):
            self.sdq(sdq_ticks(), informant="child", age=10)
        with pytest.raises(ValidationError):
            self.sdq(sdq_ticks(), informant="parent", age=18)

    @pytest.mark.parametrize("informant", ["parent", "teacher"])
    def test_parent_and_teacher_forms(self, informant):
        assert self.sdq(sdq_ticks(), informant=informant, age=6).informant.value == informant

    def test_a_case_worker_does_not_answer_an_sdq(self):
        with pytest.raises(ValidationError, match="SDQ is not answered by case_worker"):
            self.sdq(sdq_ticks(), informant="case_worker")

    def test_ticks_and_age_never_in_repr(self):
        event = self.sdq(sdq_ticks(i1=2), informant="child", age=13)
        assert "items" not in repr(event)
        assert "13" not in repr(event)


class TestFit:
    ORS: ClassVar = {"individually": 4, "interpersonally": 6, "socially": 5, "overall": 5}
    SRS: ClassVar = {
        "relationship": 9,
        "goals_and_topics": 8,
        "approach_or_method": 9,
        "overall": 10,
    }

    @pytest.mark.parametrize(("contract", "items"), [(OrsScored, ORS), (SrsScored, SRS)])
    def test_total_is_the_sum_of_four_items(self, contract, items):
        total = sum(items.values())
        assert wire(contract, **MEASUREMENT, **items, total=total).item_sum() == total
        with pytest.raises(ValidationError, match="not the sum"):
            wire(contract, **MEASUREMENT, **items, total=total + 1)

    @pytest.mark.parametrize(("contract", "items"), [(OrsScored, ORS), (SrsScored, SRS)])
    @pytest.mark.parametrize("value", [-1, 11])
    def test_an_item_outside_0_to_10_is_rejected(self, contract, items, value):
        first = next(iter(items))
        rejected(contract, **MEASUREMENT, **{**items, first: value})

    def test_the_extremes_total_0_and_40(self):
        zero = dict.fromkeys(self.ORS, 0)
        assert wire(OrsScored, **MEASUREMENT, **zero, total=0).item_sum() == 0
        top = dict.fromkeys(self.ORS, 10)
        assert wire(OrsScored, **MEASUREMENT, **top, total=40).item_sum() == 40

    @pytest.mark.parametrize("informant", ["teacher", "case_worker"])
    def test_fit_is_answered_by_the_child_or_a_parent(self, informant):
        error = rejected(OrsScored, **{**MEASUREMENT, "informant": informant}, **self.ORS)
        assert "FIT is not answered by" in str(error)
