"""The delivery format to Danmarks Statistik: one JSON report per record.

The format is documented, with an example per form, in ``docs/statistics-format.md``.

A report is ``{format_version, report_id, corrects, municipality, created_at, record}``;
``record`` is a notification record, a placement record (form 1-3, event code 0-6), a
transfer record (the case's responsibility received on a move, BL §132) or the yearly
record of supporting measures (BL §32).
Both name the person DST registers the record on in ``child``: a notification the child or,
if unborn, the expectant mother; a placement always the child's own CPR number. That is
required in every version (DST has always keyed placements on the child; it is not a
half-yearly change). ``validate_report`` is the one check, used by the sender before it
sends and by the stand-in receiver on every request, for each live version. Its errors carry
a code and the path of the offending field, never a value.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final, Literal, NoReturn, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from adapters.statistics.versions import VERSIONS
from contracts.cpr import Cpr
from contracts.intake import NotificationReason, NotifierRelation
from contracts.types import Kommunekode, RecordId
from hub.runtime.errors import Problem

__all__ = [
    "CODES_BY_FORM",
    "Child",
    "CprDigits",
    "FormatError",
    "NotificationRecord",
    "PlacedChild",
    "PlacementRecord",
    "Report",
    "SupportingMeasureRow",
    "SupportingMeasuresRecord",
    "Timeliness",
    "TransferRecord",
    "validate_report",
]

CODES_BY_FORM: Final = {1: frozenset({0}), 2: frozenset(range(6)), 3: frozenset({0, 1, 5, 6})}
"""Which event codes each placement form may carry (form 3: aftercare, 18-22)."""

LegalText = Annotated[
    str,
    StringConstraints(
        pattern=r"^(SEL|BL) §[1-9]\d{0,2}(?: ?[a-z])?(?: stk\. \d{1,2})?(?: nr\. \d{1,2})?$"
    ),
]
"""A paragraph as case workers write it: ``BL §46``, ``SEL §52 stk. 3 nr. 7``."""

ReportId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")]
"""A report id: a lower-case UUID."""


def _a_cpr_number(digits: str) -> str:
    Cpr(digits)  # the date and century rule; its errors name a code, never the number
    return digits


CprDigits = Annotated[str, StringConstraints(pattern=r"^\d{10}$"), AfterValidator(_a_cpr_number)]
"""A CPR number as the wire carries it: ten digits, no hyphen, a birth date that exists.

A failed mod-11 check is accepted (numbers issued since October 2007 need not pass it).
"""


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, hide_input_in_errors=True)


class Child(_Part):
    """Whom a notification is registered on: the child, or the expectant mother if unborn."""

    cpr: CprDigits = Field(repr=False)
    registered_on_mother: bool


class PlacedChild(_Part):
    """Whom a placement is registered on: the child's own CPR number, never a parent's."""

    cpr: CprDigits = Field(repr=False)


class NotificationRecord(_Part):
    """One notification (underretning), reported continuously."""

    kind: Literal["notification"]
    notification_id: RecordId
    received_at: AwareDatetime
    notifier_relation: NotifierRelation
    reasons: tuple[NotificationReason, ...] = Field(min_length=1, max_length=14, repr=False)
    child: Child = Field(repr=False)
    legal_basis: LegalText


class NotificationRecord2607(NotificationRecord):
    """From 2026-07 a notification also says whether the notifier saw acute danger."""

    acute: bool = Field(repr=False)


class Timeliness(_Part):
    """The 4-week clock of a placement event: when it was due, and whether this is late."""

    rule_id: str = Field(pattern=r"^[a-z0-9.-]{1,64}$")
    due_at: AwareDatetime
    late: bool


_DECISION_ONLY: Final = frozenset({4, 6})
"""Event codes of a decision that may name no measure: the committee's, and aftercare."""


class PlacementRecord(_Part):
    """One placement event on form 1, 2 or 3."""

    kind: Literal["placement"]
    form: Literal[1, 2, 3]
    event_code: int = Field(ge=0, le=6)
    measure_ref: RecordId | None
    case_ref: RecordId
    child: PlacedChild = Field(repr=False)
    event_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    legal_basis: LegalText = Field(repr=False)
    sel_basis: LegalText | None = Field(repr=False)
    consent: bool | None = Field(repr=False)
    provider_id: RecordId | None
    timeliness: Timeliness

    @model_validator(mode="after")
    def _code_fits_form(self) -> Self:
        if self.event_code not in CODES_BY_FORM[self.form]:
            msg = "event code not allowed on this form"
            raise ValueError(msg)
        if self.measure_ref is None and self.event_code not in _DECISION_ONLY:
            msg = "only a committee event (code 4) or an aftercare decision (6) may lack a measure"
            raise ValueError(msg)
        return self


class TransferRecord(_Part):
    """The case's responsibility received from another municipality on a move (BL §132).

    Our guess at a record DST has not published: who reports it (the receiving
    municipality), its fields and its name are ours (docs/statistics-format.md).
    """

    kind: Literal["transfer"]
    handover_ref: RecordId
    case_ref: RecordId
    child: PlacedChild = Field(repr=False)
    event_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    legal_basis: LegalText
    timeliness: Timeliness


SupportingKind = Literal[
    "consultancy",
    "practical_help",
    "family_treatment",
    "treatment_of_child",
    "respite_care",
    "personal_adviser",
    "contact_person",
    "other_support",
]
"""BL §32 stk. 1 nr. 1-8, as ``MeasureDecided.kind`` names them."""

IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class SupportingMeasureRow(_Part):
    """One supporting measure that ran in the year, on the child it was decided for."""

    measure_ref: RecordId
    case_ref: RecordId
    child: PlacedChild = Field(repr=False)
    measure_kind: SupportingKind = Field(repr=False)
    legal_basis: LegalText = Field(repr=False)
    sel_basis: LegalText | None = Field(repr=False)
    starts_on: IsoDate
    ends_on: IsoDate | None


class SupportingMeasuresRecord(_Part):
    """The year's supporting measures (forebyggende foranstaltninger), reported once a year.

    Our guess at DST's yearly record: one row per measure that ran on a day of ``year``.
    """

    kind: Literal["supporting_measures"]
    year: int = Field(ge=2000, le=2100)
    measures: tuple[SupportingMeasureRow, ...] = Field(max_length=1_000_000)


_Record = NotificationRecord | PlacementRecord | TransferRecord | SupportingMeasuresRecord
_Record2607 = NotificationRecord2607 | PlacementRecord | TransferRecord | SupportingMeasuresRecord


class Report(_Part):
    """One report; ``corrects`` names the earlier report it corrects, which stays as it was."""

    format_version: str
    report_id: ReportId
    corrects: ReportId | None
    municipality: Kommunekode
    created_at: AwareDatetime
    record: Annotated[_Record, Field(discriminator="kind")]

    @model_validator(mode="after")
    def _not_itself(self) -> Self:
        if self.corrects == self.report_id:
            msg = "a report cannot correct itself"
            raise ValueError(msg)
        return self


class Report2607(Report):
    """The 2026-07 format: the notification record gains ``acute``."""

    record: Annotated[_Record2607, Field(discriminator="kind")]


_MODELS: Final[dict[str, type[Report]]] = {
    "2025-07": Report,
    "2026-01": Report,  # no change to the fields we send; DST's code lists only
    "2026-07": Report2607,
}
if set(_MODELS) != set(VERSIONS):  # pragma: no cover - a table error, caught at import
    msg = "every format version needs a model"
    raise RuntimeError(msg)


_CHILD_AT: Final = frozenset(
    {
        ("record", "placement", "child"),
        ("record", "notification", "child"),
        ("record", "transfer", "child"),
    }
)
"""Where a record names the person it is registered on; a problem there has a code of its own."""


class FormatError(ValueError):
    """A report does not satisfy its format: a code and where, never a value."""

    def __init__(self, code: str, problems: tuple[Problem, ...] = ()) -> None:
        self.code = code
        self.problems = problems
        where = "; ".join(str(p) for p in problems)
        super().__init__(f"{code}: {where}" if where else code)


def validate_report(
    payload: bytes | dict[str, Any], versions: tuple[str, ...] = VERSIONS
) -> Report:
    """The report in ``payload`` if it satisfies its own format version, one of ``versions``.

    Raises:
        FormatError: ``NOT_JSON``, ``UNKNOWN_VERSION``, ``VERSION_NOT_LIVE``, ``INVALID``,
            or, when the person the record is registered on is absent or not a CPR number,
            ``CHILD_MISSING`` or ``CPR_INVALID``.

    """
    if isinstance(payload, bytes):
        try:
            payload = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError):
            _fail("NOT_JSON")
    if not isinstance(payload, dict):
        _fail("NOT_JSON")
    text = json.dumps(payload)  # validated as JSON, strictly: no coercion of numbers or flags
    version = payload.get("format_version")
    model = _MODELS.get(version) if isinstance(version, str) else None
    if model is None:
        _fail("UNKNOWN_VERSION", Problem("format_version", "unknown"))
    if version not in versions:
        _fail("VERSION_NOT_LIVE", Problem("format_version", "not live now"))
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        problems = tuple(
            Problem(".".join(str(part) for part in error["loc"]), error["type"]) for error in errors
        )
        _fail(_code_of(errors), *problems)


def _code_of(errors: list[Any]) -> str:
    """``CHILD_MISSING`` or ``CPR_INVALID`` when the person is missing or malformed."""
    for error in errors:
        where = tuple(error["loc"])
        if where[:3] in _CHILD_AT:
            if error["type"] == "missing":
                return "CHILD_MISSING"
            if where[3:] == ("cpr",):
                return "CPR_INVALID"
    return "INVALID"


def _fail(code: str, *problems: Problem) -> NoReturn:
    # from None: a parser's own error may quote the report, and tracebacks print context.
    raise FormatError(code, problems) from None
