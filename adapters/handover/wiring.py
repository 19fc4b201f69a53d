"""The sending side on the bus: remember the case, and on ``HandoverStarted`` deliver it.

=======================================  ============================================
event / answer                           outcome
=======================================  ============================================
a case event (``memory.REMEMBERED``)     kept in the case's memory; nothing published
``HandoverStarted``, receipt verified    ``HandoverDelivered``; the handover's status
a handover already delivered (redelivery)  ``HandoverDelivered`` again, same id; not sent
the receiver refuses the package         ``HandoverRefused`` with the reason (handled)
not ours, to itself, no peer            ``PermanentError``: quarantined with its reason
receiver down, register down, no child,  ``TransientError``: the delivery policy retries,
fewer documents seen than started names  then parks it in quarantine (visible, replayable)
a filed document missing or altered,     ``PermanentError``: quarantined, the reason naming
documents and no document store          the document id; nothing sent
a receipt that does not verify           ``PackageRefusedError``: quarantined
``HandoverAccepted``/``Rejected`` of a   accepted: ``DeadlinesTakenOver`` for the new case
handover this hub received               (its clock takes the deadlines); the signed
                                         answer delivered to the sender's hub
                                         (``HandoverAnswered`` there)
an answer whose origin is not read yet   ``OriginNotReadError`` (transient): retried, parked
=======================================  ============================================

The manifest's time is the ``HandoverStarted``'s ``started_at`` and every id is derived from
the event, so a retry sends the same handover and the receiver answers its first receipt.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Final, cast

import structlog
from cryptography import x509

from adapters.cpr.port import PersonRegister
from adapters.documents.port import DocumentStore
from adapters.handover.answer import Answer, sign_answer
from adapters.handover.answers import sent_record
from adapters.handover.documents import packed
from adapters.handover.keys import Keyring
from adapters.handover.manifest import HandoverManifest, Party
from adapters.handover.memory import CaseMemory
from adapters.handover.origins import Origin, origin_of
from adapters.handover.parties import parties_of
from adapters.handover.port import Delivery, DeliveryRefusedError, HandoverTransport, NoRouteError
from adapters.handover.receipt import Receipt, verify_receipt
from adapters.handover.reception import Receipts
from adapters.handover.sealing import seal
from contracts.base import Contract
from contracts.cpr import Cpr
from contracts.envelope import Event, follow_up, follow_up_id, new_event
from contracts.handover import (
    DeadlinesTakenOver,
    HandoverAccepted,
    HandoverDelivered,
    HandoverRefusal,
    HandoverRefused,
    HandoverRejected,
    HandoverStarted,
    TakenDeadline,
)
from contracts.operations import AuditAction
from hub.runtime.audit import Auditor
from hub.runtime.errors import PermanentError, TransientError
from hub.runtime.seams import Handler, Publish
from hub.runtime.state import Store

__all__ = ["HANDOVERS", "NAME", "build_handover"]

NAME: Final = "handover"
HANDOVERS: Final = "handovers"
"""The store of each handover's outcome (key: the handover id), in the case's task."""

log = structlog.get_logger(__name__)


class NotOursError(PermanentError):
    """The handover names a municipality this hub does not hand over for, or another's case."""


class CaseNotSeenError(TransientError):
    """The hub has not read the case's ``CaseOpened`` yet: it does not know the child.

    Transient: the case's events come on other topics, which may be read later; the delivery
    policy retries and, if it never comes, parks the handover in quarantine.
    """


class DocumentsNotSeenError(TransientError):
    """``HandoverStarted`` names more documents than the hub has seen filed (v2) for the case.

    Transient, like ``CaseNotSeenError``: a ``DocumentFiled`` not read yet is waited for, so
    no package goes without a document its case system meant in it.
    """


async def _keep_sent(
    sent: Receipts | None, municipality: str, data: HandoverStarted, case_id: str
) -> None:
    """Keep the delivery's receiver and case, durably, before delivering.

    Its answer may come to any instance, and soon (``AnswerDesk`` checks it against this).
    """
    if sent is not None:
        record = sent_record(data.to_municipality, case_id)
        sent.put(municipality, data.handover_id, json.dumps(record).encode())
        await sent.flush()


def build_handover(  # noqa: PLR0913, PLR0915, C901 - both sides share their seams
    keyring: Keyring,
    transport: HandoverTransport,
    publish: Publish,
    *,
    memory: CaseMemory,
    handovers: Store,
    register: PersonRegister | None,
    source: str,
    clock: Callable[[], dt.datetime],
    received: Receipts | None = None,
    auditor: Auditor | None = None,
    sent: Receipts | None = None,
    documents: DocumentStore | None = None,
) -> Handler:
    """The handler; ``publish`` returns once the broker has the follow-up.

    ``received`` is the reception's store (``Reception``): where the receiving side finds
    the sender of a handover its case system answers. ``sent`` (a global store) is where each
    delivery's receiver and case are kept for the answer desk (``AnswerDesk``). ``auditor``
    records the CPR lookups of the package's parties before the register is asked (needed
    with a ``register``). ``documents`` is the document port the case's filed documents are
    read through into the package (``None``: the hub has none; a case with documents is then
    quarantined).
    """
    if register is not None and auditor is None:
        msg = "a handover that asks the CPR register needs an auditor: every lookup is audited"
        raise ValueError(msg)

    async def _parties(event: Event[Contract], child: Cpr, municipality: str) -> tuple[Party, ...]:
        if register is not None and auditor is not None:
            # Before the register is asked (the child, then each custody holder); a refused
            # audit write is transient, so no lookup is ever made unaudited.
            await auditor.record(event, AuditAction.CPR_LOOKUP)
        return await parties_of(register, child, municipality=municipality)

    async def deliver(event: Event[Contract], data: HandoverStarted) -> None:
        municipality = event.envelope.municipality
        recipient = _recipient(keyring, municipality, data)
        known = handovers.get(data.handover_id)
        if known is not None:  # delivered before a crash or a lost commit: say so again
            await publish(follow_up(event, _outcome(known), source=source))
            return
        seen = memory.case(event.envelope.caseid)
        if seen.child is None:
            msg = "handover: the case's CaseOpened has not been seen"
            raise CaseNotSeenError(msg)
        if data.documents > len(seen.documents):
            msg = "handover: fewer filed documents seen than the handover names"
            raise DocumentsNotSeenError(msg)
        manifest = HandoverManifest(
            handover_id=data.handover_id,
            case_id=event.envelope.caseid,
            from_municipality=municipality,
            to_municipality=data.to_municipality,
            created_at=data.started_at,
            summary=data.summary,
            parties=await _parties(event, seen.child, municipality),
            measures=seen.measures,
            plans=seen.plans,
            ics=seen.ics,
            journal=seen.journal,
            deadlines=seen.deadlines,
            documents=await packed(seen.documents, documents, municipality=municipality),
        )
        package = seal(manifest, keyring.own[municipality], recipient)
        delivery = Delivery(data.handover_id, municipality, data.to_municipality, package)
        await _keep_sent(sent, municipality, data, event.envelope.caseid)
        try:
            signed = await transport.deliver(delivery)
        except DeliveryRefusedError as exc:
            outcome: Contract = HandoverRefused(
                handover_id=data.handover_id, refused_at=clock(), refusal=_refusal(exc.reason)
            )
        else:
            receipt = verify_receipt(
                signed, keyring, clock(), handover_id=data.handover_id,
                receiver=data.to_municipality,
            )  # fmt: skip
            outcome = _delivered(receipt)
        handovers.put(data.handover_id, _stored(outcome))
        await publish(follow_up(event, outcome, source=source))
        log.info(
            "handover_sent",
            event_id=event.envelope.id,
            case_id=event.envelope.caseid,
            handover_id=data.handover_id,
            outcome=outcome.event_type,
        )

    async def answer(event: Event[Contract], data: HandoverAccepted | HandoverRejected) -> None:
        municipality = event.envelope.municipality
        identity = keyring.own.get(municipality)
        if received is None or identity is None:
            log.info("handover_answer_not_ours", handover_id=data.handover_id)
            return  # this hub receives no handovers for it: its case system answers elsewhere
        origin = origin_of(received, municipality, data.handover_id)  # not read yet: retried
        if isinstance(data, HandoverAccepted):
            # The receiver's clock takes the open deadlines before the sender hears of it,
            # so the duty is never nobody's; the same id on a retry.
            await publish(_taken_over(event, data, origin, source=source))
        signed = sign_answer(_answer_of(municipality, data, origin), identity)
        await transport.answer(origin.from_municipality, signed)
        log.info("handover_answer_sent", handover_id=data.handover_id)

    async def handle(event: Event[Contract]) -> None:
        data = event.data
        if isinstance(data, HandoverStarted):
            await deliver(event, data)
        elif isinstance(data, HandoverAccepted | HandoverRejected):
            await answer(event, data)
        else:
            memory.remember(event.envelope.caseid, data)

    return handle


def _recipient(keyring: Keyring, municipality: str, data: HandoverStarted) -> x509.Certificate:
    if data.from_municipality != municipality or municipality not in keyring.own:
        msg = "handover: not a municipality this hub hands over for"
        raise NotOursError(msg)
    if data.to_municipality == municipality:
        msg = "handover: a municipality does not hand a case over to itself"
        raise NotOursError(msg)
    recipient = keyring.peers.get(data.to_municipality)
    if recipient is None:
        msg = "handover: no certificate for the receiving municipality"
        raise NoRouteError(msg)
    return recipient


def _answer_of(
    municipality: str, data: HandoverAccepted | HandoverRejected, origin: Origin
) -> Answer:
    accepted = isinstance(data, HandoverAccepted)
    return Answer(
        handover_id=data.handover_id,
        from_municipality=municipality,
        to_municipality=origin.from_municipality,
        case_id=origin.case_id,
        answered_at=data.accepted_at if isinstance(data, HandoverAccepted) else data.rejected_at,
        accepted=accepted,
        new_case_id=data.new_case_id if isinstance(data, HandoverAccepted) else None,
        rejection=data.rejection if isinstance(data, HandoverRejected) else None,
    )


def _taken_over(
    event: Event[Contract], data: HandoverAccepted, origin: Origin, *, source: str
) -> Event[Contract]:
    """The package's open deadlines, for the receiver's case (``new_case_id``) and its clock."""
    taken = DeadlinesTakenOver(
        handover_id=data.handover_id,
        from_municipality=origin.from_municipality,
        accepted_at=data.accepted_at,
        deadlines=tuple(
            TakenDeadline.model_validate(deadline.model_dump()) for deadline in origin.deadlines
        ),
    )
    cause = f"handover:{origin.from_municipality}:{data.handover_id}"
    return new_event(
        taken,
        source=source,
        municipality=event.envelope.municipality,
        case_id=data.new_case_id,
        event_id=follow_up_id(cause, DeadlinesTakenOver.event_type),
        correlation_id=data.handover_id,
        causation_id=event.envelope.id,
        subject=f"handover/{data.handover_id}",
        time=data.accepted_at,
    )


def _delivered(receipt: Receipt) -> HandoverDelivered:
    return HandoverDelivered(
        handover_id=receipt.handover_id,
        to_municipality=receipt.to_municipality,
        received_at=receipt.received_at,
        documents=receipt.documents,
        package_sha256=receipt.package_sha256,
    )


def _refusal(reason: str) -> HandoverRefusal:
    try:
        return HandoverRefusal(reason)
    except ValueError:
        return HandoverRefusal.OTHER


def _stored(outcome: Contract) -> bytes:
    return json.dumps({"type": outcome.event_type, "data": outcome.model_dump_json()}).encode()


def _outcome(stored: bytes) -> Contract:
    value = json.loads(stored)
    contract = (
        HandoverDelivered if value["type"] == HandoverDelivered.event_type else HandoverRefused
    )
    return cast("Contract", contract.model_validate_json(value["data"]))
