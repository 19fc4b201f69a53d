"""The rows an event adds beside its journal row: parties, investigations, plans, letters.

Each function takes the journal's ``event_no`` and case id and gives ``(table, row)`` pairs
in the column order of ``tables``. Nothing is remembered between events: a party's address
is the one its CPR answer gave, and a person under address protection has none (the
contract refuses one), so none can be archived.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from typing import Final

from adapters.rigsarkivet.schema import Value
from adapters.rigsarkivet.tables import InvestigationFact, PartyRole, PlanFact, ReceiptOutcome
from contracts.base import Contract
from contracts.cpr import Cpr
from contracts.decision import PlanCreated, PlanRevised
from contracts.investigation import (
    ChildHeard,
    InvestigationCompleted,
    InvestigationStarted,
    ProvisionalAssessmentRecorded,
)
from contracts.letters import (
    LetterDelivered,
    LetterFailed,
    LetterKind,
    LetterRequested,
    LetterRequestedV2,
)
from contracts.person import PersonResolved, Relation

__all__ = ["Rows", "rows_of"]

Rows = Iterator[tuple[str, tuple[Value, ...]]]
"""``(table, row)`` pairs, in the order they are written."""

_NONE_OF_THE_ADDRESS: Final = (None, None, None, None)


def _parties(number: int, case_id: str, data: PersonResolved, *, is_child: bool) -> Rows:
    address = data.address
    where = (
        _NONE_OF_THE_ADDRESS
        if address is None
        else (address.street, address.postal_code, address.city, address.municipality)
    )
    role = PartyRole.CHILD if is_child else PartyRole.OTHER
    yield (
        "parties",
        (
            number,
            1,
            case_id,
            role.value,
            None,
            None,
            data.cpr.reveal(),
            data.full_name,
            data.address_protected,
            *where,
        ),
    )
    for party_no, related in enumerate(data.related, start=2):
        role = PartyRole.CUSTODY_HOLDER
        if related.relation is not Relation.CUSTODY_HOLDER:
            role = PartyRole.PARENT
        yield (
            "parties",
            (
                number,
                party_no,
                case_id,
                role.value,
                related.relation.value,
                related.has_custody,
                related.cpr.reveal(),
                None,
                None,
                *_NONE_OF_THE_ADDRESS,
            ),
        )


def _investigation(number: int, case_id: str, data: Contract) -> Rows:
    row: tuple[Value, ...]
    if isinstance(data, InvestigationStarted):
        basis = data.legal_basis
        row = (
            data.investigation_id,
            case_id,
            InvestigationFact.STARTED.value,
            data.started_at,
            basis.law.value,
            str(basis),
            data.aware_since,
            None,
            None,
            None,
            None,
            data.reason,
        )
    elif isinstance(data, ChildHeard):
        row = (
            None,
            case_id,
            InvestigationFact.CHILD_HEARD.value,
            data.heard_at,
            None,
            None,
            None,
            data.form.value,
            data.support_person_present,
            None,
            None,
            data.summary,
        )
    elif isinstance(data, ProvisionalAssessmentRecorded):
        row = (
            data.investigation_id,
            case_id,
            InvestigationFact.PROVISIONAL_ASSESSMENT.value,
            data.recorded_at,
            None,
            None,
            None,
            None,
            None,
            data.expected_completion,
            None,
            data.assessment,
        )
    else:
        assert isinstance(data, InvestigationCompleted)  # noqa: S101 - _BY_TYPE's keys
        row = (
            data.investigation_id,
            case_id,
            InvestigationFact.COMPLETED.value,
            data.completed_at,
            None,
            None,
            None,
            None,
            None,
            None,
            data.conclusion.value,
            data.summary,
        )
    yield "investigations", (number, *row)


def _plan(number: int, case_id: str, data: Contract) -> Rows:
    if isinstance(data, PlanCreated):
        basis = data.legal_basis
        yield (
            "plans",
            (
                number,
                data.plan_id,
                case_id,
                PlanFact.CREATED.value,
                data.kind.value,
                data.created_at,
                basis.law.value,
                str(basis),
                None,
            ),
        )
    else:
        assert isinstance(data, PlanRevised)  # noqa: S101 - _BY_TYPE's keys
        yield (
            "plans",
            (
                number,
                data.plan_id,
                case_id,
                PlanFact.REVISED.value,
                data.kind.value,
                data.revised_at,
                None,
                None,
                data.reason,
            ),
        )
    for goal_no, goal in enumerate(data.goals, start=1):
        yield "plan_goals", (number, goal_no, goal)


def _letter(number: int, case_id: str, data: Contract) -> Rows:
    recipients: tuple[Cpr, ...]
    body: str | None
    if isinstance(data, LetterRequested):
        kind, recipients, subject = LetterKind.ORDINARY, (data.recipient_cpr,), data.title
        body, main, attachments = data.body, None, 0
    else:
        assert isinstance(data, LetterRequestedV2)  # noqa: S101 - _BY_TYPE's keys
        kind, body, attachments = data.kind, data.body, len(data.attachments)
        recipients = data.recipients or (
            () if data.recipient_cpr is None else (data.recipient_cpr,)
        )
        subject = data.subject or data.title or ""  # one of the two forms holds one
        main = None if data.main_document is None else data.main_document.sha256
    yield (
        "letters",
        (
            number,
            data.letter_id,
            case_id,
            data.purpose.value,
            kind.value,
            data.decision_id,
            subject,
            body,
            main,
            attachments,
            data.print_fallback,
        ),
    )
    for recipient_no, cpr in enumerate(recipients, start=1):
        yield "letter_recipients", (number, recipient_no, cpr.reveal())


def _receipt(number: int, case_id: str, data: Contract) -> Rows:
    if isinstance(data, LetterDelivered):
        yield (
            "letter_receipts",
            (
                number,
                data.letter_id,
                case_id,
                ReceiptOutcome.DELIVERED.value,
                data.delivered_at,
                data.channel.value,
                data.message_uuid,
                None,
                None,
            ),
        )
    else:
        assert isinstance(data, LetterFailed)  # noqa: S101 - _BY_TYPE's keys
        yield (
            "letter_receipts",
            (
                number,
                data.letter_id,
                case_id,
                ReceiptOutcome.FAILED.value,
                data.failed_at,
                None,
                None,
                data.failure.value,
                data.code,
            ),
        )


_BY_TYPE: Final[dict[type[Contract], Callable[[int, str, Contract], Rows]]] = {
    InvestigationStarted: _investigation,
    ChildHeard: _investigation,
    ProvisionalAssessmentRecorded: _investigation,
    InvestigationCompleted: _investigation,
    PlanCreated: _plan,
    PlanRevised: _plan,
    LetterRequested: _letter,
    LetterRequestedV2: _letter,
    LetterDelivered: _receipt,
    LetterFailed: _receipt,
}


def rows_of(number: int, case_id: str, data: Contract, *, children: Container[str]) -> Rows:
    """The rows ``data`` adds (none for a type without a table of its own here).

    ``children`` are the CPR numbers of the version's children: a person looked up who is
    one of them is the case's child.
    """
    if isinstance(data, PersonResolved):
        yield from _parties(number, case_id, data, is_child=data.cpr.reveal() in children)
        return
    project = _BY_TYPE.get(type(data))
    if project is not None:
        yield from project(number, case_id, data)
