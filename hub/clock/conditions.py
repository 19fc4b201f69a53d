"""Whether a rule applies to one trigger event: its condition, judged on the event's data."""

from __future__ import annotations

import datetime as dt

from hub.clock import facts
from hub.clock.dates import age_on
from hub.clock.facts import Data, MeasureKind
from hub.clock.localtime import local_date
from hub.clock.model import Condition

__all__ = ["applies", "reads"]

_PLACEMENTS = frozenset({MeasureKind.PLACEMENT_WITH_CONSENT, MeasureKind.PLACEMENT_WITHOUT_CONSENT})
_KINDS = {
    Condition.SUPPORTING_MEASURE: frozenset({MeasureKind.SUPPORTING}),
    Condition.PLACEMENT: _PLACEMENTS,
    Condition.PLACEMENT_WITH_CONSENT: frozenset({MeasureKind.PLACEMENT_WITH_CONSENT}),
    Condition.PLACEMENT_WITHOUT_CONSENT: frozenset({MeasureKind.PLACEMENT_WITHOUT_CONSENT}),
    Condition.PLACEMENT_UNDER_18: _PLACEMENTS,
}
"""Conditions on ``measure_kind``: the kinds for which they hold."""
_YOUTH = 16
_ADULT = 18
_CHILD_PLACEMENTS = frozenset({"placement_with_consent", "placement_without_consent"})
_VALUES = {
    Condition.PLACEMENT_CHANGE: ("change", frozenset({"placement_place", "consent"})),
    Condition.CHILD_PLACEMENT: ("kind", _CHILD_PLACEMENTS),
    Condition.PLACEMENT_MEASURE: ("kind", _CHILD_PLACEMENTS | {"placement_of_young_person"}),
    Condition.CHILD_PLAN: ("kind", frozenset({"child_plan"})),
    Condition.YOUTH_PLAN: ("kind", frozenset({"youth_plan"})),
    Condition.PLACEMENT_REPORT: ("kind", frozenset({"placement"})),
}
"""Conditions on one field's value: the field and the values for which they hold."""
_AGES = frozenset({Condition.AGE_16_PLUS, Condition.PLACEMENT_UNDER_18})
_REPORT_CODES = {
    Condition.FOLLOW_UP_REPORT: 3,
    Condition.COMMITTEE_REPORT: 4,
    Condition.END_REPORT: 5,
    Condition.AFTERCARE_REPORT: 6,
}
"""Conditions on a statistics report: a placement report with this DST event code."""
_WITHOUT_CONSENT = frozenset({("BL", "47"), ("SEL", "58")})
"""(law, paragraph) of a placement without consent, which a committee decides."""


def applies(condition: Condition, data: Data, start: dt.datetime) -> bool:
    """True when ``condition`` holds for an event with ``data`` whose clock starts at ``start``.

    Raises:
        EventDataError: the condition needs a field the data lacks or garbles.

    """
    if condition is Condition.ALWAYS:
        return True
    if condition not in _KINDS and condition not in _AGES:
        return _on_one_field(condition, data)
    kinds = _KINDS.get(condition)
    if kinds is not None and facts.measure_kind(data) not in kinds:
        return False
    if condition is Condition.AGE_16_PLUS:
        return age_on(facts.birth_date(data), local_date(start)) >= _YOUTH
    if condition is Condition.PLACEMENT_UNDER_18:
        return age_on(facts.birth_date(data), local_date(start)) < _ADULT
    return True


def reads(condition: Condition) -> frozenset[str]:
    """The data fields ``applies`` reads for ``condition`` (what must be kept to judge it)."""
    if condition is Condition.ALWAYS:
        return frozenset()
    if condition in _AGES:
        return frozenset({"kind", "consent", "child_birth_date"})
    if condition in _KINDS:
        return frozenset({"kind", "consent"})
    if condition in _REPORT_CODES:
        return frozenset({"kind", "event_code"})
    return _FIELDS_READ.get(condition) or frozenset({_VALUES[condition][0]})


_FIELDS_READ = {
    Condition.CARRIES_DECISION: frozenset({"decision_id"}),
    Condition.URGENT: frozenset({"urgent"}),
    Condition.NOT_URGENT: frozenset({"urgent"}),
    Condition.COMMITTEE_PLACEMENT: frozenset({"kind", "legal_basis"}),
}
"""Conditions judged on fields of their own (not one field's value): the fields read."""


def _committee_placement(data: Data) -> bool:
    """The decision's measure (recalled) is a child's placement; with none, the basis says."""
    if data.get("kind") is not None:
        return facts.text(data, "kind") in _CHILD_PLACEMENTS
    basis = data.get("legal_basis")
    if not isinstance(basis, dict):
        return False
    return (basis.get("law"), basis.get("paragraph")) in _WITHOUT_CONSENT


def _on_one_field(condition: Condition, data: Data) -> bool:
    if condition in _REPORT_CODES:
        return (
            facts.text(data, "kind") == "placement"
            and data.get("event_code") == (_REPORT_CODES[condition])
        )
    if condition is Condition.COMMITTEE_PLACEMENT:
        return _committee_placement(data)
    if condition is Condition.CARRIES_DECISION:
        return facts.has_text(data, "decision_id")
    if condition in {Condition.URGENT, Condition.NOT_URGENT}:
        return facts.flag(data, "urgent") is (condition is Condition.URGENT)
    field, values = _VALUES[condition]
    return facts.text(data, field) in values
