"""Deadlines for a decoded canonical event (``contracts.envelope.Event``).

Kept out of the package's ``__init__``: it imports the contracts, and so pydantic, which
the CLI's structured-mode path does not need.
"""

from __future__ import annotations

from contracts.base import Contract
from contracts.envelope import Event
from hub.clock.schedule import Deadline
from hub.clock.triggers import deadlines_for
from hub.clock.workdays import DEFAULT_POLICY, CalendarPolicy

__all__ = ["deadlines_for_event"]


def deadlines_for_event(
    event: Event[Contract], policy: CalendarPolicy = DEFAULT_POLICY
) -> tuple[Deadline, ...]:
    """The deadlines ``event`` sets, read from its type, its data as JSON and its time.

    Raises:
        EventDataError: a rule needs a field the contract lacks or carries differently.

    """
    data = event.data.model_dump(mode="json")
    return deadlines_for(event.envelope.type, data, event.envelope.time, policy)
