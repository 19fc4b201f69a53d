import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.clock.localtime import COPENHAGEN
from hub.clock.rules import RULES_BY_ID
from hub.clock.schedule import MissingFactError, due_times
from hub.clock.workdays import CalendarPolicy, is_working_day
from tests.hub.deadlines.clock import elapsed, eod, local

D = dt.date
HOUR = dt.timedelta(hours=1)


def rule(rule_id):
    return RULES_BY_ID[rule_id]


class TestTwentyFourHours:
    """Exact elapsed hours: the wall clock jumps, the law's 24 hours do not."""

    def test_across_the_spring_change_shows_25_wall_clock_hours(self):
        start = local(2026, 3, 28, 12)  # Saturday before the last Sunday of March, CET
        deadline = due_times(rule("notification.acute-assessment"), start)
        assert deadline.due_at == local(2026, 3, 29, 13)  # CEST
        assert elapsed(start, deadline.due_at) == 24 * HOUR
        assert deadline.due_at.utcoffset() == 2 * HOUR
        wall = deadline.due_at.replace(tzinfo=None) - start.replace(tzinfo=None)
        assert wall == 25 * HOUR

    def test_across_the_autumn_change_shows_23_wall_clock_hours(self):
        start = local(2026, 10, 24, 12)  # Saturday before the last Sunday of October, CEST
        deadline = due_times(rule("notification.acute-assessment"), start)
        assert deadline.due_at == local(2026, 10, 25, 11)  # CET
        assert deadline.due_at.utcoffset() == HOUR
        wall = deadline.due_at.replace(tzinfo=None) - start.replace(tzinfo=None)
        assert wall == 23 * HOUR

    def test_from_the_repeated_hour_in_october(self):
        first = local(2026, 10, 25, 2, 30)  # 02:30 CEST
        second = local(2026, 10, 25, 2, 30).replace(fold=1)  # 02:30 CET, an hour later
        assert due_times(rule("notification.acute-assessment"), first).due_at == local(
            2026, 10, 26, 1, 30
        )
        assert due_times(rule("notification.acute-assessment"), second).due_at == local(
            2026, 10, 26, 2, 30
        )

    def test_escalates_after_18_real_hours(self):
        start = local(2026, 3, 28, 12)
        deadline = due_times(rule("notification.acute-assessment"), start)
        assert deadline.escalate_at == local(2026, 3, 29, 7)
        assert elapsed(start, deadline.escalate_at) == 18 * HOUR

    def test_from_midnight_is_due_at_the_next_midnight(self):
        deadline = due_times(rule("notification.acute-assessment"), local(2026, 11, 30))
        assert deadline.due_at == local(2026, 12, 1)

    def test_a_utc_trigger_is_shown_in_copenhagen(self):
        start = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)
        deadline = due_times(rule("notification.acute-assessment"), start)
        assert deadline.starts_at == local(2026, 7, 1, 0, 30)
        assert deadline.due_at == local(2026, 7, 2, 0, 30)
        assert deadline.due_at.tzinfo is COPENHAGEN

    def test_a_naive_trigger_is_refused(self):
        with pytest.raises(ValueError, match="UTC offset"):
            due_times(rule("notification.acute-assessment"), dt.datetime(2026, 1, 5, 9))  # noqa: DTZ001

    @given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))  # noqa: DTZ001
    def test_is_always_24_real_hours(self, naive):
        start = naive.replace(tzinfo=dt.UTC)
        deadline = due_times(rule("notification.acute-assessment"), start)
        assert deadline.due_at is not None
        assert deadline.escalate_at is not None
        assert elapsed(start, deadline.due_at) == 24 * HOUR
        assert elapsed(deadline.escalate_at, deadline.due_at) == 6 * HOUR


class TestSixWorkingDays:
    def test_across_easter_2026(self):
        deadline = due_times(rule("notification.receipt"), local(2026, 4, 1, 10))
        assert deadline.due_at == eod(2026, 4, 14)
        assert deadline.escalate_at == eod(2026, 4, 10)  # two working days (13, 14) left

    def test_across_christmas_and_new_year(self):
        assert due_times(rule("notification.receipt"), local(2026, 12, 23, 16)).due_at == eod(
            2027, 1, 4
        )

    def test_across_christmas_with_every_customary_day_off(self):
        policy = CalendarPolicy(christmas_eve_off=True, new_years_eve_off=True)
        deadline = due_times(rule("notification.receipt"), local(2026, 12, 23, 16), policy)
        assert deadline.due_at == eod(2027, 1, 6)
        assert deadline.escalate_at == eod(2027, 1, 4)

    def test_store_bededag_counts_as_a_holiday_in_2023(self):
        # Thursday 27 April 2023: 28 Apr, 1-4 May, then Friday 5 May is Store Bededag.
        assert due_times(rule("notification.receipt"), local(2023, 4, 27, 9)).due_at == eod(
            2023, 5, 8
        )

    def test_store_bededag_is_a_working_day_in_2024(self):
        # Thursday 18 April 2024: 19, 22-25 April, then Friday 26 April (once Store Bededag).
        assert due_times(rule("notification.receipt"), local(2024, 4, 18, 9)).due_at == eod(
            2024, 4, 26
        )

    @pytest.mark.parametrize(
        ("policy", "due"),
        [
            (CalendarPolicy(), eod(2026, 6, 5)),
            (CalendarPolicy(constitution_day_off=True), eod(2026, 6, 8)),
        ],
    )
    def test_constitution_day_follows_the_policy(self, policy, due):
        assert due_times(rule("notification.receipt"), local(2026, 5, 28, 9), policy).due_at == due

    def test_trigger_at_midnight_does_not_count_its_own_day(self):
        start = local(2026, 3, 2)  # Monday 00:00
        assert due_times(rule("notification.receipt"), start).due_at == eod(2026, 3, 10)

    def test_trigger_a_microsecond_before_midnight_counts_from_that_day(self):
        start = eod(2026, 3, 1)  # Sunday 23:59:59.999999
        assert due_times(rule("notification.receipt"), start).due_at == eod(2026, 3, 9)


class TestFourMonths:
    @pytest.mark.parametrize(
        ("aware", "due", "escalate"),
        [
            (local(2026, 10, 31, 14), eod(2027, 2, 28), eod(2027, 2, 14)),  # common year
            (local(2027, 10, 31, 14), eod(2028, 2, 29), eod(2028, 2, 15)),  # leap year
            (local(2026, 6, 30, 9), eod(2026, 10, 30), eod(2026, 10, 16)),
            (local(2026, 1, 31), eod(2026, 5, 31), eod(2026, 5, 17)),
        ],
    )
    def test_same_day_four_months_later_clamped(self, aware, due, escalate):
        for rule_id in ("investigation.completed", "investigation.provisional-assessment"):
            deadline = due_times(rule(rule_id), aware)
            assert (deadline.due_at, deadline.escalate_at) == (due, escalate)

    def test_counts_from_the_local_date(self):
        aware = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 1 July 01:30 in Denmark
        assert due_times(rule("investigation.completed"), aware).due_at == eod(2026, 11, 1)


class TestBeforeTheDecision:
    BEFORE = pytest.mark.parametrize(
        "rule_id", ["decision.child-heard", "plan.placement-without-consent"]
    )

    @BEFORE
    def test_due_when_the_decision_is_planned_escalating_a_week_before(self, rule_id):
        planned = local(2026, 5, 20, 13)
        deadline = due_times(rule(rule_id), local(2026, 5, 4, 9), planned_at=planned)
        assert deadline.due_at == planned
        assert deadline.escalate_at == eod(2026, 5, 13)
        assert deadline.rule.before == "dk.casehub.decision.measure-decided"

    @BEFORE
    def test_a_decision_planned_within_the_week_escalates_at_once(self, rule_id):
        start = local(2026, 5, 18, 9)
        deadline = due_times(rule(rule_id), start, planned_at=local(2026, 5, 20, 13))
        assert deadline.escalate_at == start

    @BEFORE
    def test_never_due_before_the_proposal(self, rule_id):
        start = local(2026, 5, 18, 9)
        deadline = due_times(rule(rule_id), start, planned_at=start - HOUR)
        assert (deadline.due_at, deadline.escalate_at) == (start, start)

    @BEFORE
    def test_needs_the_planned_time(self, rule_id):
        with pytest.raises(MissingFactError, match="planned"):
            due_times(rule(rule_id), local(2026, 5, 4, 9))


class TestThreeMonths:
    @pytest.mark.parametrize("rule_id", ["plan.supporting-measure", "plan.placement", "plan.youth"])
    def test_plans_are_due_three_months_after_the_decision(self, rule_id):
        deadline = due_times(rule(rule_id), local(2026, 11, 30, 13))
        assert deadline.due_at == eod(2027, 2, 28)
        assert deadline.escalate_at == eod(2027, 2, 14)

    def test_first_follow_up_after_three_months_without_an_investigation(self):
        deadline = due_times(rule("follow-up.first"), local(2026, 3, 10, 9))
        assert deadline.due_at == eod(2026, 6, 10)

    def test_first_follow_up_at_the_end_of_an_earlier_investigation(self):
        deadline = due_times(
            rule("follow-up.first"), local(2026, 3, 10, 9), earlier_end=D(2026, 4, 20)
        )
        assert deadline.due_at == eod(2026, 4, 20)
        assert deadline.escalate_at == eod(2026, 4, 6)

    def test_first_follow_up_ignores_a_later_investigation_end(self):
        deadline = due_times(
            rule("follow-up.first"), local(2026, 3, 10, 9), earlier_end=D(2026, 6, 11)
        )
        assert deadline.due_at == eod(2026, 6, 10)

    def test_an_investigation_that_ended_already_makes_it_due_today(self):
        deadline = due_times(
            rule("follow-up.first"), local(2026, 3, 10, 9), earlier_end=D(2026, 3, 1)
        )
        assert deadline.due_at == eod(2026, 3, 10)
        assert deadline.escalate_at == local(2026, 3, 10, 9)  # never before the start


class TestDaysAndWeeks:
    def test_committee_within_seven_days(self):
        deadline = due_times(rule("committee.presentation"), local(2026, 3, 2, 15))
        assert deadline.due_at == eod(2026, 3, 9)
        assert deadline.escalate_at == eod(2026, 3, 7)

    @pytest.mark.parametrize(
        "rule_id",
        [
            "statistics.placement-decision",
            "statistics.placement-start",
            "statistics.placement-event",
        ],
    )
    def test_statistics_within_four_weeks(self, rule_id):
        deadline = due_times(rule(rule_id), local(2026, 12, 20, 9))
        assert deadline.due_at == eod(2027, 1, 17)
        assert deadline.escalate_at == eod(2027, 1, 10)

    def test_appeal_period_is_four_weeks_without_escalation(self):
        deadline = due_times(rule("appeal.period"), local(2027, 1, 3, 8))
        assert deadline.due_at == eod(2027, 1, 31)
        assert deadline.escalate_at is None


class TestAftercare:
    def test_six_months_before_the_18th_birthday(self):
        deadline = due_times(
            rule("aftercare.decision"), local(2020, 4, 1, 9), birth_date=D(2010, 5, 15)
        )
        assert deadline.due_at == eod(2027, 11, 15)
        assert deadline.escalate_at == eod(2027, 10, 18)

    def test_child_born_29_february(self):
        # 18th birthday on 28 February 2026 (a common year), so due 28 August 2025.
        deadline = due_times(
            rule("aftercare.decision"), local(2020, 4, 1, 9), birth_date=D(2008, 2, 29)
        )
        assert deadline.due_at == eod(2025, 8, 28)

    def test_a_late_placement_is_due_at_once(self):
        start = local(2025, 12, 1, 9)
        deadline = due_times(rule("aftercare.decision"), start, birth_date=D(2008, 2, 29))
        assert deadline.due_at == eod(2025, 12, 1)
        assert deadline.escalate_at == start

    def test_needs_the_birth_date(self):
        with pytest.raises(MissingFactError, match=r"aftercare\.decision"):
            due_times(rule("aftercare.decision"), local(2020, 4, 1, 9))


class TestProperties:
    instants = st.datetimes(
        min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(dt.UTC),
    )
    rules = st.sampled_from(list(RULES_BY_ID.values()))

    @given(
        rules,
        instants,
        st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 1, 1)),
        st.integers(min_value=-100, max_value=10_000),
    )
    def test_start_then_escalation_then_due(self, any_rule, start, birth, planned_in):
        planned = start + planned_in * HOUR
        deadline = due_times(any_rule, start, birth_date=birth, planned_at=planned)
        assert deadline.due_at.tzinfo is COPENHAGEN
        assert elapsed(start, deadline.due_at) >= dt.timedelta(0)
        if deadline.escalate_at is not None:
            assert elapsed(start, deadline.escalate_at) >= dt.timedelta(0)
            assert elapsed(deadline.escalate_at, deadline.due_at) >= dt.timedelta(0)

    @given(instants, st.builds(CalendarPolicy, st.booleans(), st.booleans(), st.booleans()))
    def test_working_day_deadlines_end_a_working_day(self, start, policy):
        deadline = due_times(rule("notification.receipt"), start, policy)
        assert is_working_day(deadline.due_at.date(), policy)
        assert deadline.due_at.time() == dt.time.max
        assert deadline.due_at.date() > start.astimezone(COPENHAGEN).date()
