"""Case: a child's case opened, given to a case worker and closed.

Each DUBU sub-process (Afklaring, Børnefaglig undersøgelse, Visitation, Indsats og
opfølgning) is a case of its own and may repeat, so a case names its sub-process.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from contracts.base import Contract
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.cpr import Cpr
from contracts.guards import Timestamp
from contracts.kle import Kle
from contracts.types import RecordId

__all__ = ["CaseClosed", "CaseClosure", "CaseOpened", "CaseWorkerAssigned", "SubProcess"]


class SubProcess(StrEnum):
    """The DUBU sub-process a case belongs to."""

    CLARIFICATION = "clarification"  # Afklaring
    INVESTIGATION = "investigation"  # Børnefaglig undersøgelse
    VISITATION = "visitation"  # Visitation: measures and plan
    MEASURES_AND_FOLLOW_UP = "measures_and_follow_up"  # Indsats og opfølgning


class CaseClosure(StrEnum):
    """Why a case was closed."""

    NO_FURTHER_ACTION = "no_further_action"
    MEASURES_ENDED = "measures_ended"
    HANDED_OVER = "handed_over"  # the family moved: BL §132 (SEL §152)
    CHILD_TURNED_ADULT = "child_turned_adult"
    MERGED = "merged"
    OTHER = "other"


class CaseOpened(Contract):
    """A case about a child has been opened for one sub-process.

    The case id (the envelope's ``caseid`` and the Kafka key) is fixed from here on.
    """

    event_type: ClassVar[str] = "dk.casehub.case.opened"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "case"

    opened_at: Timestamp = classified("When the case was opened.", C.INTERNAL)
    child_cpr: Cpr = classified("The child the case is about.", C.PERSONAL)
    sub_process: SubProcess = classified("The sub-process the case handles.", C.INTERNAL)
    kle: Kle = classified("The case's KLE number, e.g. 27.24.00.", C.INTERNAL)
    cause_id: RecordId | None = classified(
        "The notification or inquiry that led to the case, if any.", C.INTERNAL, default=None
    )


class CaseWorkerAssigned(Contract):
    """A case worker (sagsbehandler) has been made responsible for the case."""

    event_type: ClassVar[str] = "dk.casehub.case.worker-assigned"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "case"

    assigned_at: Timestamp = classified("When the assignment took effect.", C.INTERNAL)
    caseworker_id: RecordId = classified(
        "The case worker's id in the municipality's directory.", C.INTERNAL
    )
    team: str | None = classified(
        "The team or unit the case worker belongs to.", C.INTERNAL, default=None, max_length=200
    )


class CaseClosed(Contract):
    """The case has been closed; its legal clocks stop and its archive period starts."""

    event_type: ClassVar[str] = "dk.casehub.case.closed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "case"

    closed_at: Timestamp = classified("When the case was closed.", C.INTERNAL)
    closure: CaseClosure = classified("Why the case was closed.", C.INTERNAL)
    note: str | None = classified(
        "The case worker's closing note.", C.SENSITIVE, default=None, max_length=20_000
    )
