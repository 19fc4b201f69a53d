"""A small outcome history for two municipalities, as the case systems would publish it."""

import datetime as dt
from datetime import UTC, datetime
from decimal import Decimal

from contracts.base import Contract
from contracts.case import CaseOpened, SubProcess
from contracts.codelists import GoalAttainment, Informant, Severity, TimePoint
from contracts.cpr import Cpr
from contracts.decision import MeasureDecided, MeasureKind, Period
from contracts.envelope import Event, new_event
from contracts.ics import IcsDimension
from contracts.legal import Law, LegalBasis
from contracts.measures import MeasureEnded, MeasureEnding, MeasureStarted
from contracts.outcomes import (
    Condition,
    ConditionsAssessed,
    GoalAttainmentAssessed,
    SdqScored,
    WellbeingRated,
)
from tests.people import cpr_for

START = dt.date(2026, 2, 1)
FAMILY_TREATMENT = LegalBasis(law=Law.BL, paragraph="32", stk=1, nr=3)
CONTACT_PERSON = LegalBasis(law=Law.BL, paragraph="32", stk=1, nr=7)


def child_cprs(count: int, month: int) -> list[str]:
    """Synthetic CPR numbers (day + 60) of children born in 2014."""
    return [cpr_for(dt.date(2014, month, n + 1), 200 + n) for n in range(count)]


def case_history(  # noqa: PLR0913 - one child's case, told in full
    municipality: str,
    case_id: str,
    cpr: str,
    kind: MeasureKind,
    basis: LegalBasis,
    *,
    before: int,
    after: int,
    ended: bool,
    sdq: bool = False,
) -> list[Event[Contract]]:
    """One child's case: opened, a measure decided, started (and ended), measured twice."""
    at = datetime(2026, 1, 10, 9, tzinfo=UTC)
    measure = f"{case_id}-m1"
    data = [
        CaseOpened(opened_at=at, child_cpr=Cpr(cpr), sub_process=SubProcess.VISITATION,
                   kle="27.24.00"),
        MeasureDecided(decision_id=f"{case_id}-d1", measure_id=measure, decided_at=at,
                       kind=kind, legal_basis=basis, period=Period(start=START),
                       consent=True, reasoning="Qz the reasoning Qz",
                       expected_cost=Decimal("120000.00")),
        MeasureStarted(measure_id=measure, decision_id=f"{case_id}-d1", started_on=START),
        ConditionsAssessed(assessment_id=f"{case_id}-a1", measure_id=measure,
                           time_point=TimePoint.BEFORE, assessed_on=dt.date(2026, 1, 20),
                           code_list_version="2026.1",
                           conditions=(Condition(dimension=IcsDimension.HEALTH,
                                                 severity=Severity.SEVERE),)),
        WellbeingRated(measurement_id=f"{case_id}-w1", measure_id=measure,
                       time_point=TimePoint.BEFORE, measured_on=dt.date(2026, 1, 25),
                       informant=Informant.CHILD, score=before),
        WellbeingRated(measurement_id=f"{case_id}-w2", measure_id=measure,
                       time_point=TimePoint.AFTER, measured_on=dt.date(2026, 6, 20),
                       informant=Informant.CHILD, score=after),
        ConditionsAssessed(assessment_id=f"{case_id}-a2", measure_id=measure,
                           time_point=TimePoint.AFTER, assessed_on=dt.date(2026, 6, 20),
                           code_list_version="2026.1",
                           conditions=(Condition(dimension=IcsDimension.HEALTH,
                                                 severity=Severity.MILD),)),
        GoalAttainmentAssessed(plan_id=f"{case_id}-p1", goal_id="g1", measure_id=measure,
                               goal="Går i skole hver dag", time_point=TimePoint.AFTER,
                               assessed_on=dt.date(2026, 6, 20),
                               attainment=GoalAttainment.ATTAINED),
    ]  # fmt: skip
    if ended:
        data.append(MeasureEnded(measure_id=measure, ended_on=dt.date(2026, 6, 30),
                                 ending=MeasureEnding.GOAL_REACHED))  # fmt: skip
    if sdq:
        data.append(SdqScored(measurement_id=f"{case_id}-s1", measure_id=measure,
                              time_point=TimePoint.BEFORE, measured_on=dt.date(2026, 1, 25),
                              informant=Informant.PARENT, child_age_years=11,
                              items=(1,) * 25))  # fmt: skip
    return [
        new_event(d, source="urn:vendor:test", municipality=municipality, case_id=case_id,
                  time=at + dt.timedelta(minutes=n))
        for n, d in enumerate(data)
    ]  # fmt: skip
