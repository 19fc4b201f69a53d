"""Letters: Digital Post (SF1601, MeMo 1.2) to citizens and professionals, with print fallback.

Legal clocks that run from a letter (the 4-week appeal deadline) start on
``LetterDelivered``, never on ``LetterRequested``: a letter that was never delivered
starts nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Final, Self

from pydantic import StringConstraints, model_validator

from contracts.base import Contract, Record
from contracts.classification import Classification as C  # noqa: N817 - reads as a column
from contracts.classification import classified
from contracts.cpr import Cpr
from contracts.documents import DocumentReference
from contracts.guards import Timestamp
from contracts.problems import cross_field
from contracts.types import RecordId

__all__ = [
    "NOTIFICATION_MAX",
    "ActionCode",
    "ActionKind",
    "DeliveryChannel",
    "LetterAction",
    "LetterDelivered",
    "LetterFailed",
    "LetterFailure",
    "LetterKind",
    "LetterPurpose",
    "LetterRequested",
    "LetterRequestedV2",
]

NOTIFICATION_MAX: Final = 150
"""The longest notification text: MeMo's ``memoNotificationType`` (one XSD copy says 160,
the other 150; the smaller holds under both)."""

# One line of text: no control characters (so no CR, LF, tab) and no Unicode line or
# paragraph separators. The same pattern in pydantic (Rust regex) and JSON Schema (ECMA).
_ONE_LINE: Final = r"^[^\x00-\x1f\x7f\u0085\u2028\u2029]+$"

Subject = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_ONE_LINE)]
"""A letter's subject (MeMo ``label``): one line, as the citizen's mailbox lists it."""


class LetterPurpose(StrEnum):
    """Why the letter is sent."""

    RECEIPT = "receipt"  # receipt to a notifier, BL §137
    DECISION = "decision"  # carries a decision and its appeal guidance
    HEARING = "hearing"  # partshøring
    MEETING = "meeting"
    OTHER = "other"


class LetterRequested(Contract):
    """The hub has been asked to send a letter by Digital Post."""

    event_type: ClassVar[str] = "dk.casehub.letter.requested"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter's id.", C.INTERNAL)
    recipient_cpr: Cpr = classified("The recipient.", C.PERSONAL)
    purpose: LetterPurpose = classified("Why it is sent.", C.INTERNAL)
    decision_id: RecordId | None = classified(
        "The decision the letter carries, if any.", C.INTERNAL, default=None
    )
    title: str = classified("The letter's title.", C.PERSONAL, min_length=1, max_length=200)
    body: str = classified("The letter's text.", C.SENSITIVE, min_length=1, max_length=100_000)
    print_fallback: bool = classified(
        "Print and post the letter if the recipient has no digital mailbox.",
        C.INTERNAL,
        default=True,
    )


class DeliveryChannel(StrEnum):
    """Where the letter was delivered."""

    DIGITAL_POST = "digital_post"  # e-Boks / mit.dk
    PRINT = "print"  # physical letter (SF1600)


class LetterDelivered(Contract):
    """Digital Post confirmed delivery; deadlines that run from the letter start now."""

    event_type: ClassVar[str] = "dk.casehub.letter.delivered"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter.", C.INTERNAL)
    delivered_at: Timestamp = classified("When delivery was confirmed.", C.INTERNAL)
    channel: DeliveryChannel = classified("Digital or printed.", C.INTERNAL)
    message_uuid: str = classified(
        "The MeMo message UUID.",
        C.INTERNAL,
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    )


class LetterFailure(StrEnum):
    """Why a letter could not be delivered."""

    NO_MAILBOX_NO_PRINT = "no_mailbox_no_print"
    RECIPIENT_EXEMPT = "recipient_exempt"
    REJECTED = "rejected"  # Digital Post rejected the MeMo message
    UNAVAILABLE = "unavailable"  # retries exhausted


class LetterFailed(Contract):
    """A letter could not be delivered; nothing that depends on it has started."""

    event_type: ClassVar[str] = "dk.casehub.letter.failed"
    event_version: ClassVar[int] = 1
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter.", C.INTERNAL)
    failed_at: Timestamp = classified("When it was given up.", C.INTERNAL)
    failure: LetterFailure = classified("Why.", C.INTERNAL)
    code: str | None = classified(
        "Digital Post's error code, if it gave one.",
        C.INTERNAL,
        default=None,
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
    )


# -- version 2: several recipients, documents by reference, notification, kind, action ------


class LetterKind(StrEnum):
    """What kind of Digital Post message the letter is: MeMo 1.2's ``MessageHeader`` flags.

    Every kind is ``messageType`` DIGITALPOST (NEMSMS carries no documents).
    """

    ORDINARY = "ordinary"  # no flag set
    MANDATORY = "mandatory"  # MeMo mandatory=true ("obligatorisk post")
    LEGAL_NOTIFICATION = "legal_notification"  # MeMo legalNotification=true ("lovpligtig")


class ActionKind(StrEnum):
    """What the recipient can do from the letter."""

    LINK = "link"  # a MeMo Action with an EntryPoint (an https address) on the main document
    REPLY = "reply"  # MeMo reply=true: the recipient may answer the letter in the mailbox


class ActionCode(StrEnum):
    """MeMo's action codes (Digital Post's business rules; see the reference NOTES)."""

    AFTALE = "AFTALE"
    BEKRAEFT = "BEKRAEFT"
    BETALING = "BETALING"
    FORBEREDELSE = "FORBEREDELSE"
    INFORMATION = "INFORMATION"
    SELVBETJENING = "SELVBETJENING"
    TILMELDING = "TILMELDING"
    UNDERSKRIV = "UNDERSKRIV"


class LetterAction(Record):
    """One action on a letter: a link to follow, or a reply the recipient may send.

    A link has a label, an absolute https address and a code; a reply has neither address
    nor code, and may have a date to answer by.
    """

    kind: ActionKind = classified("A link or a reply.", C.INTERNAL)
    label: Subject | None = classified("The text of the link, one line.", C.INTERNAL, default=None)
    url: str | None = classified(
        "The link's absolute https address (MeMo memoUriType: at most 256 characters).",
        C.INTERNAL,
        default=None,
        max_length=256,
        pattern=r"^https://[^\s]+$",
    )
    code: ActionCode | None = classified("The link's MeMo action code.", C.INTERNAL, default=None)
    reply_by: Timestamp | None = classified(
        "A reply's last day and time, if it has one.", C.INTERNAL, default=None
    )

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> Self:
        if self.kind is ActionKind.LINK:
            if self.label is None or self.url is None or self.code is None:
                msg = "a link needs a label, an https url and a code"
                raise cross_field(msg, "label", "url", "code")
            if self.reply_by is not None:
                msg = "a link has no reply_by"
                raise cross_field(msg, "kind", "reply_by")
        elif self.label is not None or self.url is not None or self.code is not None:
            msg = "a reply has no label, url or code"
            raise cross_field(msg, "label", "url", "code")
        return self


_DOCUMENT_FORM: Final = ("recipients", "subject", "main_document")
_TEXT_FORM: Final = ("recipient_cpr", "title", "body")


class LetterRequestedV2(Contract):
    """The hub has been asked to send a letter by Digital Post, to one or more recipients.

    Version 2 sends documents the case system made, by reference (``main_document`` and
    ``attachments``, fetched through the document port), to each of ``recipients`` as its
    own MeMo message, with a one-line ``subject``, a ``notification``, a ``kind`` and an
    optional ``action``. A record is one of two forms:

    - the document form: ``recipients``, ``subject``, ``main_document`` (and the optional
      fields), none of the text form's;
    - the text form, a version 1 letter: ``recipient_cpr``, ``title`` and ``body`` and none
      of the document form's fields; the hub renders the text as a PDF, as for version 1.

    So every version 1 record is a valid version 2 record (the compatibility gate).
    """

    event_type: ClassVar[str] = "dk.casehub.letter.requested"
    event_version: ClassVar[int] = 2
    domain: ClassVar[str] = "letter"

    letter_id: RecordId = classified("The letter's id.", C.INTERNAL)
    purpose: LetterPurpose = classified("Why it is sent.", C.INTERNAL)
    decision_id: RecordId | None = classified(
        "The decision the letter carries, if any.", C.INTERNAL, default=None
    )
    print_fallback: bool = classified(
        "Print and post the letter if a recipient has no digital mailbox.",
        C.INTERNAL,
        default=True,
    )
    recipients: tuple[Cpr, ...] | None = classified(
        "Document form: who receives the letter (e.g. both custody holders), each once; "
        "each gets its own message.",
        C.PERSONAL,
        default=None,
        min_length=1,
        max_length=10,
    )
    subject: Subject | None = classified(
        "Document form: the letter's subject, one line.", C.PERSONAL, default=None
    )
    notification: str | None = classified(
        "Document form: the short text the recipient is notified with.",
        C.PERSONAL,
        default=None,
        min_length=1,
        max_length=NOTIFICATION_MAX,
    )
    main_document: DocumentReference | None = classified(
        "Document form: the letter itself (a stored document).", C.PERSONAL, default=None
    )
    attachments: tuple[DocumentReference, ...] = classified(
        "Document form: the attachments (stored documents), in order.",
        C.PERSONAL,
        default=(),
        max_length=20,
    )
    kind: LetterKind = classified(
        "The kind of Digital Post message.", C.INTERNAL, default=LetterKind.ORDINARY
    )
    action: LetterAction | None = classified(
        "Document form: what the recipient can do from the letter, if anything.",
        C.INTERNAL,
        default=None,
    )
    recipient_cpr: Cpr | None = classified(
        "Text form (version 1): the recipient.", C.PERSONAL, default=None
    )
    title: str | None = classified(
        "Text form (version 1): the letter's title.",
        C.PERSONAL,
        default=None,
        min_length=1,
        max_length=200,
    )
    body: str | None = classified(
        "Text form (version 1): the letter's text.",
        C.SENSITIVE,
        default=None,
        min_length=1,
        max_length=100_000,
    )

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        document = [name for name in _DOCUMENT_FORM if getattr(self, name) is not None]
        text = [name for name in _TEXT_FORM if getattr(self, name) is not None]
        extras = self.notification is not None or self.action is not None or self.attachments
        if text and (document or extras):
            msg = "a letter is either the text form or the document form, not both"
            raise cross_field(msg, *_TEXT_FORM, *_DOCUMENT_FORM)
        if text and len(text) != len(_TEXT_FORM):
            msg = "the text form needs recipient_cpr, title and body"
            raise cross_field(msg, *_TEXT_FORM)
        if not text and len(document) != len(_DOCUMENT_FORM):
            msg = "the document form needs recipients, subject and main_document"
            raise cross_field(msg, *_DOCUMENT_FORM)
        if self.recipients is not None and len(set(self.recipients)) != len(self.recipients):
            msg = "each recipient once"
            raise cross_field(msg, "recipients")
        return self

    @property
    def text_form(self) -> bool:
        """A version 1 letter (its text rendered by the hub), not documents by reference."""
        return self.body is not None
