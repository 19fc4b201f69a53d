"""The legal clock (issue 6), pure part: calendar, rules, due times and one deadline's state.

The package exports the pure part only. The durable engine imports the contracts and
aiokafka, so it is imported from its modules: ``hub.components.deadlines.engine`` (the component and
the ticker, its state in its group's changelog) and
``hub.components.deadlines.status`` (what ``casehub deadlines status`` prints); see
``docs/deadline-engine.md``.
"""

from __future__ import annotations

from hub.clock.facts import EventDataError, MeasureKind
from hub.clock.localtime import COPENHAGEN
from hub.clock.model import Condition, LegalBasis, Role, Rule, Span, Unit
from hub.clock.rules import RULES, RULES_BY_ID, rules_for
from hub.clock.schedule import Deadline, MissingFactError, due_times
from hub.clock.state import Status, Tracker, Transition
from hub.clock.structured import StructuredEvent, parse_structured
from hub.clock.triggers import deadlines_for
from hub.clock.workdays import (
    DEFAULT_POLICY,
    CalendarPolicy,
    add_working_days,
    easter_sunday,
    holidays,
    is_working_day,
)

__all__ = [
    "COPENHAGEN",
    "DEFAULT_POLICY",
    "RULES",
    "RULES_BY_ID",
    "CalendarPolicy",
    "Condition",
    "Deadline",
    "EventDataError",
    "LegalBasis",
    "MeasureKind",
    "MissingFactError",
    "Role",
    "Rule",
    "Span",
    "Status",
    "StructuredEvent",
    "Tracker",
    "Transition",
    "Unit",
    "add_working_days",
    "deadlines_for",
    "due_times",
    "easter_sunday",
    "holidays",
    "is_working_day",
    "parse_structured",
    "rules_for",
]
