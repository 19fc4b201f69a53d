"""Digital Post on the bus: ``LetterRequested`` → a MeMo message; receipts → delivered / failed.

The MessageUUID derives from the request's event id and the recipient, so a redelivered
request is recognised by Digital Post and not delivered twice. ``LetterDelivered`` is
published from the delivery receipt, never from the send: legal clocks (the 4-week
appeal period) start on it. A recipient the service will not take gives ``LetterFailed``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import cast

import structlog

from adapters.digitalpost.errors import RecipientRejectedError
from adapters.digitalpost.letter import CaseReference, Document, Letter, Sender
from adapters.digitalpost.pdf import text_pdf
from adapters.digitalpost.port import DigitalPost, Outcome, Receipt
from adapters.digitalpost.sent import SentLetter, SentLetters
from contracts.base import Contract
from contracts.envelope import Event, follow_up, follow_up_id, new_event
from contracts.letters import (
    DeliveryChannel,
    LetterDelivered,
    LetterFailed,
    LetterFailure,
    LetterRequested,
)
from hub.runtime.errors import HubError
from hub.runtime.seams import Handler, Publish

__all__ = ["NAME", "build_letter_sender", "letter_for", "poll_receipts"]

NAME = "digitalpost"
log = structlog.get_logger(__name__)


_FAILURES = {
    "NO_DIGITAL_POST": LetterFailure.NO_MAILBOX_NO_PRINT,
    "EXEMPT": LetterFailure.RECIPIENT_EXEMPT,
}


def build_letter_sender(
    post: DigitalPost, sent: SentLetters, publish: Publish, *, sender: Sender, source: str
) -> Handler:
    """The handler that sends each requested letter as a MeMo message."""

    async def send(event: Event[Contract]) -> None:
        request = cast("LetterRequested", event.data)  # the only type it consumes
        letter = letter_for(event, request, sender)
        sent.remember(
            SentLetter(
                message_id=event.envelope.id,
                letter_id=request.letter_id,
                municipality=event.envelope.municipality,
                case_id=event.envelope.caseid,
                correlation_id=event.envelope.correlationid,
                settled=False,
            )
        )
        try:
            await post.send(letter)
        except RecipientRejectedError:
            failed = LetterFailed(
                letter_id=request.letter_id,
                failed_at=dt.datetime.now(dt.UTC),
                failure=LetterFailure.REJECTED,
                code="MODTAGER_UKENDT",
            )
            await publish(follow_up(event, failed, source=source))
            sent.settle(event.envelope.id)
            return
        log.info("letter_sent", event_id=event.envelope.id, letter_id=request.letter_id)

    return send


def letter_for(event: Event[Contract], request: LetterRequested, sender: Sender) -> Letter:
    """The Digital Post letter a ``LetterRequested`` event becomes (its text as a PDF)."""
    return Letter(
        message_id=event.envelope.id,
        sender=sender,
        recipient=request.recipient_cpr,
        title=request.title,
        main_document=Document("brev.pdf", text_pdf(request.title, request.body)),
        created=event.envelope.time,
        case=CaseReference(case_id=event.envelope.caseid, case_system="casehub"),
    )


async def poll_receipts(
    post: DigitalPost,
    sent: SentLetters,
    publish: Publish,
    *,
    source: str,
    every_s: float,
) -> None:
    """Turn delivery receipts into ``LetterDelivered`` / ``LetterFailed``, until cancelled.

    The cursor advances only after a receipt's event is published, so a crash re-reads
    it; the event's id is derived from the request's, so consumers recognise the repeat.
    """
    while True:
        try:
            page = await post.receipts(sent.since)
            for receipt in page.receipts:
                await _settle(receipt, sent, publish, source=source)
                sent.since = receipt.sequence
            sent.since = max(sent.since, page.next_since)
        except HubError as exc:
            log.warning("receipts_unavailable", error=type(exc).__name__)
        await asyncio.sleep(every_s)


async def _settle(receipt: Receipt, sent: SentLetters, publish: Publish, *, source: str) -> None:
    letter = sent.find(receipt.message_id)
    if letter is None:
        return  # sent by another system on the same agreement: not ours to report
    data: Contract
    if receipt.outcome is Outcome.FAILED:
        data = LetterFailed(
            letter_id=letter.letter_id,
            failed_at=receipt.at,
            failure=_FAILURES.get(receipt.reason or "", LetterFailure.REJECTED),
            code=receipt.reason,
        )
    else:
        channel = (
            DeliveryChannel.PRINT
            if receipt.outcome is Outcome.PRINTED
            else DeliveryChannel.DIGITAL_POST
        )
        data = LetterDelivered(
            letter_id=letter.letter_id,
            delivered_at=receipt.at,
            channel=channel,
            message_uuid=str(receipt.message_uuid),
        )
    event = new_event(
        data,
        source=source,
        municipality=letter.municipality,
        case_id=letter.case_id,
        event_id=follow_up_id(letter.message_id, data.event_type),
        correlation_id=letter.correlation_id,
        causation_id=letter.message_id,
    )
    await publish(event)
    sent.settle(letter.message_id)
    log.info("letter_settled", event_id=letter.message_id, outcome=receipt.outcome.name)
