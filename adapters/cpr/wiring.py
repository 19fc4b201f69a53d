"""The CPR register on the bus: ``PersonLookupRequested`` → ``PersonResolved`` | ``PersonNotFound``.

A protected person's address never leaves the adapter: the client drops it, and the
contract rejects an address under protection. The answer keeps the request's subject
(``ce_subject``, e.g. ``notification/<id>``), so whoever asked can tell its answers apart.

Every lookup is audited first (``hub.runtime.audit``): the audit record is on the
municipality's audit topic before the register is asked, and a failed audit write fails
the lookup (its ``TransientError`` retries the record; the register is not asked).
"""

from __future__ import annotations

from typing import cast

import structlog

from adapters.cpr.port import (
    Address,
    CustodyHolder,
    CustodyRole,
    Parent,
    ParentRole,
    PersonNotFoundError,
    PersonRecord,
    PersonRegister,
)
from contracts.base import Contract
from contracts.cpr import Cpr
from contracts.envelope import Event, follow_up
from contracts.operations import AuditAction
from contracts.person import Address as ContractAddress
from contracts.person import (
    NotFoundReason,
    PersonLookupRequested,
    PersonNotFound,
    PersonResolved,
    RelatedPerson,
    Relation,
)
from hub.runtime.audit import Auditor
from hub.runtime.seams import Handler, Publish

__all__ = ["NAME", "build_person_lookup"]

NAME = "cpr"
log = structlog.get_logger(__name__)


def build_person_lookup(
    register: PersonRegister, publish: Publish, *, source: str, auditor: Auditor
) -> Handler:
    """The CPR adapter's handler; register and audit errors propagate to the delivery policy."""

    async def lookup(event: Event[Contract]) -> None:
        request = cast("PersonLookupRequested", event.data)  # the only type it consumes
        answer: Contract
        await auditor.record(event, AuditAction.CPR_LOOKUP)  # before the register is asked
        try:
            record = await register.lookup(request.cpr, municipality=event.envelope.municipality)
        except PersonNotFoundError as exc:
            answer = PersonNotFound(
                request_id=event.envelope.id,
                reason=NotFoundReason(exc.reason.value),
            )
        else:
            answer = _resolved(event.envelope.id, record, with_relations=request.include_relations)
        follow = follow_up(event, answer, source=source, subject=event.envelope.subject)
        await publish(follow)
        log.info("person_looked_up", event_id=event.envelope.id, answer=answer.event_type)

    return lookup


def _resolved(request_id: str, record: PersonRecord, *, with_relations: bool) -> PersonResolved:
    return PersonResolved(
        request_id=request_id,
        cpr=record.cpr,
        full_name=record.name,
        birth_date=record.birth_date,
        address_protected=record.address_protected,
        address=None if record.address_protected else _address(record.address),
        related=_related(record.parents, record.custody_holders) if with_relations else (),
    )


def _address(address: Address | None) -> ContractAddress | None:
    if address is None or address.municipality_code is None:
        return None
    street = " ".join(p for p in (address.street, address.house_number) if p)
    unit = ", ".join(p for p in (address.floor, address.door) if p)
    return ContractAddress(
        street=f"{street}, {unit}" if unit else street,
        postal_code=address.postcode,
        city=address.city,
        municipality=address.municipality_code,
    )


_PARENT = {ParentRole.MOTHER: Relation.MOTHER, ParentRole.FATHER: Relation.FATHER}
_HOLDER_PARENT = {CustodyRole.MOTHER: ParentRole.MOTHER, CustodyRole.FATHER: ParentRole.FATHER}


def _related(
    parents: tuple[Parent, ...], holders: tuple[CustodyHolder, ...]
) -> tuple[RelatedPerson, ...]:
    """Parents and custody holders with a CPR number; a parent holding custody appears once."""
    custody: set[Cpr] = {h.cpr for h in holders if h.cpr is not None}
    # The register may name a parent's custody by role alone (no number): the parent's own.
    custody |= {
        p.cpr for h in holders if h.cpr is None for p in parents
        if p.cpr is not None and _HOLDER_PARENT.get(h.role) is p.role
    }  # fmt: skip
    related = [
        RelatedPerson(cpr=p.cpr, relation=_PARENT[p.role], has_custody=p.cpr in custody)
        for p in parents
        if p.cpr is not None
    ]
    named = {p.cpr for p in parents}
    related += [
        RelatedPerson(cpr=h.cpr, relation=Relation.CUSTODY_HOLDER, has_custody=True)
        for h in holders
        if h.cpr is not None and h.cpr not in named
    ]
    return tuple(related)
