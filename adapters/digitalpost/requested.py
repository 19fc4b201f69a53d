"""The letters a ``LetterRequested`` becomes: a text as a PDF, or documents per recipient.

A version 1 request (or version 2's text form) is one letter, its text rendered as a PDF.
A version 2 request with documents is one letter per recipient, numbered from 1 (``copy``),
its main document and attachments read once through the document port, which checks each
one's size and SHA-256. A missing or altered document is refused naming which one it is
(``main document``, ``attachment <n>``) and its id, never its file name.
"""

from __future__ import annotations

from adapters.digitalpost.errors import InvalidMessageError, NoDocumentStoreError
from adapters.digitalpost.letter import LINE_BREAK, CaseReference, Document, Letter, Link, Sender
from adapters.digitalpost.pdf import text_pdf
from adapters.documents.port import DocumentIntegrityError, DocumentNotFoundError, DocumentStore
from contracts.base import Contract
from contracts.documents import DocumentReference
from contracts.envelope import Event
from contracts.letters import ActionKind, LetterKind, LetterRequested, LetterRequestedV2

__all__ = ["letter_for", "letters_for"]


def letter_for(
    event: Event[Contract], request: LetterRequested | LetterRequestedV2, sender: Sender
) -> Letter:
    """The Digital Post letter a text letter (v1, or v2's text form) becomes: its text as a PDF.

    The PDF shows the title as written; the MeMo label (the subject the mailbox lists) is the
    title on one line, its line breaks made spaces.

    Raises:
        InvalidMessageError: a version 2 request in the document form.

    """
    if request.recipient_cpr is None or request.title is None or request.body is None:
        msg = "letter: not a text letter"
        raise InvalidMessageError(msg)
    kind = request.kind if isinstance(request, LetterRequestedV2) else LetterKind.ORDINARY
    return Letter(
        message_id=event.envelope.id,
        sender=sender,
        recipient=request.recipient_cpr,
        title=" ".join(LINE_BREAK.sub(" ", request.title).split()),
        main_document=Document(
            "brev.pdf", text_pdf(request.title, request.body, event.envelope.time)
        ),
        created=event.envelope.time,
        case=CaseReference(case_id=event.envelope.caseid, case_system="casehub"),
        mandatory=kind is LetterKind.MANDATORY,
        legal_notification=kind is LetterKind.LEGAL_NOTIFICATION,
    )


async def letters_for(
    event: Event[Contract],
    request: LetterRequestedV2,
    sender: Sender,
    documents: DocumentStore | None,
) -> list[Letter]:
    """One letter per recipient of a v2 request, its documents read (and verified) once.

    Raises:
        DocumentNotFoundError: a document is not in the store (quarantined: retrying
            cannot bring it).
        DocumentIntegrityError: a document's bytes differ from its reference.
        DocumentStoreUnavailableError: the store did not answer; try again.
        NoDocumentStoreError: this hub has no document store.
        InvalidMessageError: the request cannot become a MeMo message.

    """
    if request.main_document is None or request.subject is None or not request.recipients:
        msg = "letter: not a letter with documents"
        raise InvalidMessageError(msg)
    if documents is None:
        msg = "letter: this hub has no document store, so a letter with documents cannot be sent"
        raise NoDocumentStoreError(msg)
    municipality = event.envelope.municipality
    main = await _fetched(documents, request.main_document, municipality, "main document")
    attachments = tuple(
        [
            await _fetched(documents, reference, municipality, f"attachment {number}")
            for number, reference in enumerate(request.attachments, start=1)
        ]
    )
    action = request.action
    link = None
    if action is not None and action.kind is ActionKind.LINK:
        if action.label is None or action.url is None or action.code is None:
            msg = "letter: a link needs a label, an url and a code"  # the contract checks it
            raise InvalidMessageError(msg)
        link = Link(action.label, action.url, action.code.value)
    reply = action is not None and action.kind is ActionKind.REPLY
    return [
        Letter(
            message_id=event.envelope.id,
            sender=sender,
            recipient=recipient,
            title=request.subject,
            main_document=main,
            created=event.envelope.time,
            additional_documents=attachments,
            case=CaseReference(case_id=event.envelope.caseid, case_system="casehub"),
            reply_wanted=reply,
            reply_by=action.reply_by if reply and action is not None else None,
            notification=request.notification,
            mandatory=request.kind is LetterKind.MANDATORY,
            legal_notification=request.kind is LetterKind.LEGAL_NOTIFICATION,
            link=link,
            copy=number,
        )
        for number, recipient in enumerate(request.recipients, start=1)
    ]


async def _fetched(
    documents: DocumentStore, reference: DocumentReference, municipality: str, what: str
) -> Document:
    """The document, read through the port (which checks its size and SHA-256)."""
    try:
        content = await documents.get(reference, municipality=municipality)
    except (DocumentNotFoundError, DocumentIntegrityError) as exc:
        # Permanent: quarantined with the reason, never retried (the bytes will not change).
        msg = f"letter: {what}: {exc}"
        raise type(exc)(msg) from None
    return Document(reference.file_name, content, media_type=reference.media_type.value)
