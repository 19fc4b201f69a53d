"""Digital Post on the bus: ``LetterRequested`` → MeMo messages; receipts → delivered / failed.

A version 1 letter (and version 2's text form) is its text rendered as a PDF, to one
recipient. A version 2 letter with documents is one MeMo message per recipient, with the
main document and the attachments read through the document port (which verifies each
one's SHA-256); a missing or altered document quarantines the request with the reason.
The MessageUUID derives from the request's event id and the recipient, so a redelivered
request is recognised by Digital Post and not delivered twice; each recipient's message is
marked handed over (durably) before the next is sent, so a redelivery after a crash
part-way through sends only the messages not yet sent. A letter is sent by its
record's municipality's sender (``senders``; the hub refuses a record whose municipality is
not its topic's). ``LetterDelivered`` is
published from the delivery receipt, never from the send: legal clocks (the 4-week
appeal period) start on it. A recipient the service will not take gives ``LetterFailed``.

A letter is remembered (``SentLetters``) and made durable on the changelog *before* it is
sent, so a receipt always finds its letter in the table of the letter's task, whichever
instance owns that task by then. The receipt poller runs on every instance; each acts on
the receipts of letters in the tasks it owns and passes over the others (their owner acts
on them), so with several instances every receipt is reported once by its letter's owner.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import cast

import structlog

from adapters.digitalpost.errors import RecipientRejectedError
from adapters.digitalpost.letter import Letter, Sender
from adapters.digitalpost.port import DigitalPost, Outcome, Receipt
from adapters.digitalpost.requested import letter_for, letters_for
from adapters.digitalpost.sent import SentLetter, SentLetters
from adapters.documents.port import DocumentStore
from contracts.base import Contract
from contracts.envelope import Event, follow_up_id, new_event
from contracts.letters import (
    DeliveryChannel,
    LetterDelivered,
    LetterFailed,
    LetterFailure,
    LetterRequested,
    LetterRequestedV2,
)
from hub.runtime.errors import HubError
from hub.runtime.seams import Handler, Publish
from hub.runtime.state import Task, TaskMovedError

__all__ = ["NAME", "build_letter_sender", "poll_receipts", "read_receipts"]

NAME = "digitalpost"
log = structlog.get_logger(__name__)


_FAILURES = {
    "NO_DIGITAL_POST": LetterFailure.NO_MAILBOX_NO_PRINT,
    "EXEMPT": LetterFailure.RECIPIENT_EXEMPT,
}


def build_letter_sender(  # noqa: PLR0913 - the ports, the senders and the source
    post: DigitalPost,
    sent: SentLetters,
    publish: Publish,
    *,
    senders: Callable[[str], Sender],
    source: str,
    documents: DocumentStore | None = None,
) -> Handler:
    """The handler that sends each requested letter as MeMo messages, from its municipality.

    ``documents`` is the document port a version 2 letter's documents are read through
    (None: this hub has no document store, and such a letter is quarantined).
    """

    async def send(event: Event[Contract]) -> None:
        # The only types it consumes: LetterRequested v1 and v2.
        request = cast("LetterRequested | LetterRequestedV2", event.data)
        sender = senders(event.envelope.municipality)
        if isinstance(request, LetterRequestedV2) and not request.text_form:
            letters = await letters_for(event, request, sender, documents)
        else:
            letters = [letter_for(event, request, sender)]
        for letter in letters:
            await _send_one(post, sent, publish, event, letter, request.letter_id, source)

    return send


async def _send_one(  # noqa: PLR0913, PLR0917 - one message and where it goes
    post: DigitalPost,
    sent: SentLetters,
    publish: Publish,
    event: Event[Contract],
    letter: Letter,
    letter_id: str,
    source: str,
) -> None:
    """Send one recipient's message, unless a delivery before this one already did."""
    key = letter.memo_message_id
    known = sent.find(key)
    if known is not None and (known.handed_over or known.settled):
        log.info("letter_already_sent", event_id=event.envelope.id, copy=letter.copy)
        return
    sent.remember(
        SentLetter(
            message_id=key,
            letter_id=letter_id,
            municipality=event.envelope.municipality,
            case_id=event.envelope.caseid,
            correlation_id=event.envelope.correlationid,
            settled=False,
            event_id=None if key == event.envelope.id else event.envelope.id,
        )
    )
    # Durable before Digital Post has the letter: its receipt must find it, on whichever
    # instance owns the task when the receipt comes (no offset commit precedes the send).
    await sent.flush()
    try:
        await post.send(letter)
    except RecipientRejectedError:
        failed = LetterFailed(
            letter_id=letter_id,
            failed_at=dt.datetime.now(dt.UTC),
            failure=LetterFailure.REJECTED,
            code="MODTAGER_UKENDT",
        )
        await publish(_follow_up(event, key, failed, source))
        sent.settle(key)
        await sent.flush()
        return
    # Durable before the next recipient's message: a redelivery sends only those after it.
    sent.hand_over(key)
    await sent.flush()
    log.info("letter_sent", event_id=event.envelope.id, letter_id=letter_id, copy=letter.copy)


def _follow_up(event: Event[Contract], key: str, data: Contract, source: str) -> Event[Contract]:
    # One message's follow-up: its id derives from the message id, so each recipient's
    # outcome is its own event (for a one-recipient letter, the key is the event id).
    return new_event(
        data,
        source=source,
        municipality=event.envelope.municipality,
        case_id=event.envelope.caseid,
        event_id=follow_up_id(key, data.event_type),
        correlation_id=event.envelope.correlationid,
        causation_id=event.envelope.id,
    )


async def poll_receipts(
    post: DigitalPost,
    sent: SentLetters,
    publish: Publish,
    *,
    source: str,
    every_s: float,
) -> None:
    """Turn delivery receipts into ``LetterDelivered`` / ``LetterFailed``, until cancelled."""
    while True:
        try:
            await read_receipts(post, sent, publish, source=source)
        except TaskMovedError:
            # A task went to another instance during the round: it reads on from the task's
            # cursor, and the next round here reads for the tasks left.
            log.info("receipts_task_moved")
        except HubError as exc:
            log.warning("receipts_unavailable", error=type(exc).__name__)
        await asyncio.sleep(every_s)


async def read_receipts(
    post: DigitalPost, sent: SentLetters, publish: Publish, *, source: str
) -> int:
    """One round over the receipt feed for the tasks this instance owns; how many it reported.

    It reads from the lowest cursor of the owned tasks. A receipt whose letter is in an
    owned task whose cursor is below the receipt is reported; every owned task's cursor then
    passes the receipt, after its event is published, so a crash re-reads it (the event's id
    is derived from the request's, so consumers recognise the repeat). A receipt whose
    letter no owned task holds belongs to another instance's task (or to another system on
    the same agreement): not this instance's to report. The cursors are flushed at the end
    of the round, as no offset commit follows these writes.

    Raises:
        DigitalPostUnavailableError, DigitalPostRefusedError: the feed could not be read.
        TaskMovedError: a task was revoked during the round.
        TransientError: the changelog did not take the cursors (they go with the next flush).

    """
    tasks = sorted(sent.tasks)
    if not tasks:
        return 0  # nothing assigned yet (or any more): no letters of ours to report
    cursors = {task: sent.since(task) for task in tasks}
    page = await post.receipts(min(cursors.values()))
    reported = 0
    for receipt in page.receipts:
        found = sent.owner(receipt.message_id, tasks)
        if found is not None and cursors[found[0]] < receipt.sequence:
            await _settle(receipt, found[0], found[1], sent, publish, source=source)
            reported += 1
        _advance(sent, cursors, receipt.sequence)
    _advance(sent, cursors, page.next_since)
    await sent.flush()
    return reported


def _advance(sent: SentLetters, cursors: dict[Task, int], since: int) -> None:
    for task, cursor in cursors.items():
        if cursor < since:
            sent.advance(task, since)
            cursors[task] = since


async def _settle(  # noqa: PLR0913 - the receipt, its letter and where it is kept
    receipt: Receipt,
    task: Task,
    letter: SentLetter,
    sent: SentLetters,
    publish: Publish,
    *,
    source: str,
) -> None:
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
        causation_id=letter.request_id,
    )
    await publish(event)
    sent.settle(letter.message_id, task)
    log.info("letter_settled", event_id=letter.message_id, outcome=receipt.outcome.name)
