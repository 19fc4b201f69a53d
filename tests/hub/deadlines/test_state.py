import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hub.clock import events as ev
from hub.clock.rules import RULES_BY_ID
from hub.clock.schedule import due_times
from hub.clock.state import Status, Tracker
from tests.hub.deadlines.clock import local

MINUTE = dt.timedelta(minutes=1)
START = local(2026, 3, 2, 10)  # Monday
ASSESSMENT = due_times(RULES_BY_ID["notification.acute-assessment"], START)
DUE = local(2026, 3, 3, 10)
ESCALATE = local(2026, 3, 3, 4)


def test_the_example_deadline_is_due_tuesday_10_escalating_at_4():
    assert (ASSESSMENT.due_at, ASSESSMENT.escalate_at) == (DUE, ESCALATE)


def tracker(deadline=ASSESSMENT):
    return Tracker(deadline)


def statuses(transitions):
    return [transition.status for transition in transitions]


class TestMetOrMissedByTheEvent:
    def test_fulfilled_one_minute_before_the_due_time_is_met(self):
        state, emitted = tracker().on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)
        assert state.status is Status.MET
        assert [(t.rule_id, t.status, t.at) for t in emitted] == [
            ("notification.acute-assessment", Status.MET, DUE - MINUTE)
        ]

    def test_fulfilled_exactly_at_the_due_time_is_met(self):
        state, _ = tracker().on_event(ev.NOTIFICATION_ASSESSED, DUE)
        assert state.status is Status.MET

    def test_fulfilled_one_minute_after_the_due_time_is_missed_at_the_due_time(self):
        state, emitted = tracker().on_event(ev.NOTIFICATION_ASSESSED, DUE + MINUTE)
        assert state.status is Status.MISSED
        assert [(t.status, t.at) for t in emitted] == [(Status.MISSED, DUE)]

    def test_judged_by_the_real_instant_across_the_october_change(self):
        start = local(2026, 10, 24, 2, 30)  # CEST; due 24 real hours later, 02:30 CEST
        deadline = due_times(RULES_BY_ID["notification.acute-assessment"], start)
        assert deadline.due_at == local(2026, 10, 25, 2, 30)
        late = local(2026, 10, 25, 2, 15).replace(fold=1)  # 02:15 CET: 45 minutes after due
        state, _ = Tracker(deadline).on_event(ev.NOTIFICATION_ASSESSED, late)
        assert state.status is Status.MISSED

    def test_events_of_other_types_change_nothing(self):
        state, emitted = tracker().on_event(ev.RECEIPT_SENT, DUE - MINUTE)
        assert (state.status, emitted) == (Status.SET, ())

    def test_a_redelivered_fulfilment_emits_nothing_more(self):
        state, _ = tracker().on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)
        again, emitted = state.on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)
        assert (again.status, emitted) == (Status.MET, ())
        _, after_tick = again.on_tick(DUE + dt.timedelta(days=3))
        assert after_tick == ()

    def test_either_fulfilling_type_meets_the_provisional_assessment(self):
        deadline = due_times(RULES_BY_ID["investigation.provisional-assessment"], START)
        for event_type in (ev.PROVISIONAL_ASSESSMENT_RECORDED, ev.INVESTIGATION_COMPLETED):
            state, _ = Tracker(deadline).on_event(event_type, START + MINUTE)
            assert state.status is Status.MET


class TestTicks:
    def test_a_tick_before_escalation_changes_nothing(self):
        state, emitted = tracker().on_tick(ESCALATE - MINUTE)
        assert (state.status, emitted) == (Status.SET, ())

    def test_escalation_then_miss(self):
        state, first = tracker().on_tick(ESCALATE)
        assert statuses(first) == [Status.APPROACHING]
        assert first[0].at == ESCALATE
        state, at_due = state.on_tick(DUE)
        assert (state.status, at_due) == (Status.APPROACHING, ())
        state, after = state.on_tick(DUE + dt.timedelta(microseconds=1))
        assert statuses(after) == [Status.MISSED]
        assert after[0].at == DUE

    def test_met_after_approaching(self):
        state, _ = tracker().on_tick(ESCALATE + MINUTE)
        state, emitted = state.on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)
        assert statuses(emitted) == [Status.MET]

    def test_a_first_tick_after_the_due_time_only_misses(self):
        state, emitted = tracker().on_tick(DUE + MINUTE)
        assert statuses(emitted) == [Status.MISSED]
        assert state.on_tick(DUE + 2 * MINUTE)[1] == ()
        assert state.on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)[1] == ()


class TestBeforeTheDecision:
    PLANNED = START + dt.timedelta(days=14)
    deadline = due_times(RULES_BY_ID["decision.child-heard"], START, planned_at=PLANNED)

    def test_heard_before_the_decision_is_met(self):
        state, emitted = Tracker(self.deadline).on_event(ev.CHILD_HEARD, START + MINUTE)
        assert statuses(emitted) == [Status.MET]
        assert state.on_event(ev.MEASURE_DECIDED, START + 2 * MINUTE)[1] == ()

    def test_heard_a_minute_after_the_planned_decision_is_missed_at_that_time(self):
        _, emitted = Tracker(self.deadline).on_event(ev.CHILD_HEARD, self.PLANNED + MINUTE)
        assert [(t.status, t.at) for t in emitted] == [(Status.MISSED, self.PLANNED)]

    def test_the_decision_first_misses_it_when_it_was_made(self):
        decided = START + dt.timedelta(days=3)
        state, emitted = Tracker(self.deadline).on_event(ev.MEASURE_DECIDED, decided)
        assert [(t.status, t.at) for t in emitted] == [(Status.MISSED, decided)]
        assert state.on_event(ev.CHILD_HEARD, decided + MINUTE)[1] == ()

    def test_a_decision_later_than_planned_misses_it_at_the_planned_time(self):
        late = self.PLANNED + dt.timedelta(days=2)
        _, emitted = Tracker(self.deadline).on_event(ev.MEASURE_DECIDED, late)
        assert [(t.status, t.at) for t in emitted] == [(Status.MISSED, self.PLANNED)]

    def test_the_planned_time_passing_misses_it(self):
        state, emitted = Tracker(self.deadline).on_tick(self.PLANNED)
        assert statuses(emitted) == [Status.APPROACHING]  # escalated, due still on time
        _, emitted = state.on_tick(self.PLANNED + MINUTE)
        assert [(t.status, t.at) for t in emitted] == [(Status.MISSED, self.PLANNED)]


class TestWithdrawal:
    def test_an_ending_withdraws_an_open_deadline_at_its_time(self):
        ended = DUE - MINUTE
        state, emitted = tracker().on_ending(ended)
        assert [(t.status, t.at) for t in emitted] == [(Status.WITHDRAWN, ended)]
        assert state.status.final
        assert state.on_tick(DUE + MINUTE)[1] == ()
        assert state.on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)[1] == ()

    def test_nor_after_approaching(self):
        state, _ = tracker().on_tick(ESCALATE)
        _, emitted = state.on_ending(DUE - MINUTE)
        assert statuses(emitted) == [Status.WITHDRAWN]

    def test_an_ending_changes_no_final_deadline(self):
        met, _ = tracker().on_event(ev.NOTIFICATION_ASSESSED, DUE - MINUTE)
        missed, _ = tracker().on_tick(DUE + MINUTE)
        for state in (met, missed):
            assert state.on_ending(DUE)[1] == ()


steps = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), st.integers(min_value=-3000, max_value=3000)),
        st.tuples(
            st.sampled_from([ev.NOTIFICATION_ASSESSED, ev.RECEIPT_SENT, "ending"]),
            st.integers(min_value=-3000, max_value=3000),
        ),
    ),
    max_size=30,
)


@given(steps)
def test_any_sequence_emits_at_most_one_outcome_and_one_escalation(sequence):
    state = tracker()
    emitted = []
    for kind, minutes in sequence:
        moment = DUE + minutes * MINUTE
        if kind == "tick":
            state, out = state.on_tick(moment)
        elif kind == "ending":
            state, out = state.on_ending(moment)
        else:
            state, out = state.on_event(kind, moment)
        emitted += statuses(out)
    finals = [s for s in emitted if s in {Status.MET, Status.MISSED, Status.WITHDRAWN}]
    assert len(finals) <= 1
    assert emitted.count(Status.APPROACHING) <= 1
    assert (len(finals) == 1) == state.status.final
    if finals:
        assert emitted[-1] == finals[0]  # nothing after the outcome
