"""What goes to Ankestyrelsen: the appeal, the upheld decision and the case material, as JSON.

The format is the hub's own (Ankestyrelsen publishes no system-to-system format); it is
documented in ``docs/appeals-format.md``. The 4-week appeal period (Retssikkerhedsloven §67,
rule ``appeal.period`` in ``hub.clock``) runs from when the decision reached the party;
an appeal received after it is forwarded all the same, marked ``in_time: false``, since
Ankestyrelsen decides whether to hear it.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, Final, Literal, NoReturn

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from contracts.base import Contract
from contracts.decision import Appellant, DecisionUpheld
from contracts.envelope import Event
from contracts.types import Kommunekode, RecordId
from hub.clock import RULES_BY_ID, due_times
from hub.clock.localtime import instant
from hub.runtime.errors import Problem

__all__ = [
    "PERIOD_RULE",
    "AppealPackage",
    "PackageError",
    "build_package",
    "forward_id_for",
    "validate_package",
]

PERIOD_RULE: Final = "appeal.period"
_NAMESPACE: Final = uuid.UUID("5a0e2f7c-3b9d-4e61-8c2a-7d4f1b6e9a03")
Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")]


class AppealPackage(BaseModel):
    """One appeal forwarded; ``forward_id`` derives from the triggering event's id."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, hide_input_in_errors=True)

    forward_id: Uuid
    municipality: Kommunekode
    case_ref: RecordId
    appeal_id: RecordId
    decision_id: RecordId
    legal_basis: str = Field(min_length=1, max_length=64, repr=False)
    appellant: Appellant
    decision_delivered_at: AwareDatetime
    appeal_received_at: AwareDatetime
    appeal_period_ends_at: AwareDatetime
    in_time: bool
    reviewed_at: AwareDatetime
    upheld: Literal[True]
    grounds: str = Field(min_length=1, max_length=20_000, repr=False)
    documents: tuple[RecordId, ...] = Field(min_length=1, max_length=500)


class PackageError(ValueError):
    """A package does not satisfy the format: a code and field paths, never a value."""

    def __init__(self, code: str, problems: tuple[Problem, ...] = ()) -> None:
        self.code = code
        self.problems = problems
        where = "; ".join(str(p) for p in problems)
        super().__init__(f"{code}: {where}" if where else code)


def forward_id_for(event_id: str) -> str:
    """The forward an event causes: the same id for a redelivery (UUID v5)."""
    return str(uuid.uuid5(_NAMESPACE, f"{event_id}/appeal-forward"))


def build_package(event: Event[Contract], data: DecisionUpheld) -> AppealPackage:
    """The package for an upheld appeal, with the appeal period checked."""
    period = due_times(RULES_BY_ID[PERIOD_RULE], data.decision_delivered_at)
    ends = period.due_at
    if ends is None:  # pragma: no cover - the appeal rule has a due time
        raise AssertionError
    return AppealPackage(
        forward_id=forward_id_for(event.envelope.id),
        municipality=event.envelope.municipality,
        case_ref=event.envelope.caseid,
        appeal_id=data.appeal_id,
        decision_id=data.decision_id,
        legal_basis=str(data.legal_basis),
        appellant=data.appellant,
        decision_delivered_at=data.decision_delivered_at,
        appeal_received_at=data.appeal_received_at,
        appeal_period_ends_at=ends,
        in_time=instant(data.appeal_received_at) <= instant(ends),
        reviewed_at=data.reviewed_at,
        upheld=True,
        grounds=data.grounds,
        documents=data.document_ids,
    )


def validate_package(payload: bytes | dict[str, Any]) -> AppealPackage:
    """The package in ``payload``.

    Raises:
        PackageError: ``NOT_JSON`` or ``INVALID``.

    """
    if isinstance(payload, bytes):
        try:
            payload = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError):
            _fail("NOT_JSON")
    if not isinstance(payload, dict):
        _fail("NOT_JSON")
    try:
        return AppealPackage.model_validate_json(json.dumps(payload))
    except ValidationError as exc:
        problems = tuple(
            Problem(".".join(str(part) for part in error["loc"]), error["type"])
            for error in exc.errors(include_input=False, include_url=False)
        )
        _fail("INVALID", *problems)


def _fail(code: str, *problems: Problem) -> NoReturn:
    raise PackageError(code, problems) from None
