"""A letter to one citizen, in hub terms, and the MessageUUID that identifies it.

The fields that could identify or describe the person (recipient, title, file names,
contents) are left out of ``repr``; ``Cpr`` masks itself anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Final

from adapters.digitalpost.errors import InvalidMessageError
from contracts.cpr import Cpr

__all__ = [
    "LINE_BREAK",
    "NOTIFICATION_MAX",
    "CaseReference",
    "Document",
    "Letter",
    "Link",
    "Sender",
    "message_uuid",
]

# MeMo's memoTextType: at most 256 characters.
TEXT_MAX: Final = 256
# MeMo's memoNotificationType: 150 in one XSD copy, 160 in the other; the smaller holds.
NOTIFICATION_MAX: Final = 150
# MeMo's memoUriType is 256 characters; Digital Post takes only absolute https addresses.
_HTTPS: Final = re.compile(r"https://[^\s]{1,248}")
_ACTION_CODES: Final = frozenset(
    (
        "AFTALE",
        "BEKRAEFT",
        "BETALING",
        "FORBEREDELSE",
        "INFORMATION",
        "SELVBETJENING",
        "TILMELDING",
        "UNDERSKRIV",
    )
)
LINE_BREAK: Final = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
"""What breaks a line; a MeMo label (the subject a mailbox lists) is one line."""
# Fixed for casehub: changing it would give every redelivered letter a new MessageUUID.
_UUID_NAMESPACE: Final = uuid.UUID("6f3b1c52-8f0e-4d51-9a57-2c4a4f1d7e10")
_CVR: Final = re.compile(r"\d{8}")
# Rejected in File/filename by Digital Post (see reference memo/NOTES.md, business rules).
_FILENAME_FORBIDDEN: Final = re.compile(
    '[<>:"/\\\\|?*\r\n\u00a0\u2000-\u200a\u2028\u205f\u2060\u3000]'
)
_LANGUAGE: Final = re.compile(r"[a-z]{2}")
# Characters XML 1.0 cannot carry at all.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str, what: str) -> None:
    if not value.strip() or len(value) > TEXT_MAX:
        msg = f"letter: {what} must have 1-{TEXT_MAX} characters"
        raise InvalidMessageError(msg)
    if _NOT_XML.search(value):
        msg = f"letter: {what} has a character XML cannot carry"
        raise InvalidMessageError(msg)


@dataclass(frozen=True, slots=True)
class Sender:
    """The municipality that sends: its CVR number and the label the citizen sees."""

    cvr: str
    label: str

    def __post_init__(self) -> None:
        if not _CVR.fullmatch(self.cvr):
            msg = "letter: sender CVR must be 8 digits"
            raise InvalidMessageError(msg)
        _text(self.label, "sender label")


@dataclass(frozen=True, slots=True)
class Document:
    """One file; a PDF unless told otherwise."""

    filename: str = field(repr=False)
    content: bytes = field(repr=False)
    media_type: str = "application/pdf"
    language: str = "da"

    def __post_init__(self) -> None:
        _text(self.filename, "file name")
        if _FILENAME_FORBIDDEN.search(self.filename):
            msg = "letter: file name has a character Digital Post refuses"
            raise InvalidMessageError(msg)
        if not self.content:
            msg = "letter: a document is empty"
            raise InvalidMessageError(msg)
        _text(self.media_type, "media type")
        if not _LANGUAGE.fullmatch(self.language):
            msg = "letter: language must be two lowercase letters"
            raise InvalidMessageError(msg)


@dataclass(frozen=True, slots=True)
class Link:
    """An action on the main document: a labelled https address (MeMo ``Action``/``EntryPoint``)."""

    label: str = field(repr=False)
    url: str = field(repr=False)
    code: str = "INFORMATION"

    def __post_init__(self) -> None:
        _text(self.label, "link label")
        if not _HTTPS.fullmatch(self.url):
            msg = "letter: a link must be an absolute https address of at most 256 characters"
            raise InvalidMessageError(msg)
        if self.code not in _ACTION_CODES:
            msg = "letter: a link's action code is not one MeMo knows"
            raise InvalidMessageError(msg)


@dataclass(frozen=True, slots=True)
class CaseReference:
    """The case a letter belongs to, so a reply can find its way back."""

    case_id: str
    case_system: str

    def __post_init__(self) -> None:
        _text(self.case_id, "case id")
        _text(self.case_system, "case system")


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter from a municipality to one citizen, ready to become a MeMo message.

    ``message_id`` is the hub event id that asked for the letter; with the recipient it
    fixes the MessageUUID, so a redelivered event sends the same message again. A letter to
    several recipients is one ``Letter`` per recipient, numbered by ``copy`` (1, 2, ...):
    its MeMo ``messageID`` is then ``<event id>/<copy>`` (``memo_message_id``), so each
    recipient's receipt is told apart, while its MessageUUID stays the event id's and the
    recipient's.
    """

    message_id: str
    sender: Sender
    recipient: Cpr
    title: str = field(repr=False)
    main_document: Document
    created: dt.datetime
    additional_documents: tuple[Document, ...] = ()
    case: CaseReference | None = None
    in_reply_to: uuid.UUID | None = None  # the MessageUUID of a citizen's message we answer
    reply_wanted: bool = False
    reply_by: dt.datetime | None = None  # the last moment to reply (with ``reply_wanted``)
    notification: str | None = field(default=None, repr=False)
    mandatory: bool = False  # MeMo mandatory (the letter kind)
    legal_notification: bool = False  # MeMo legalNotification (the letter kind)
    link: Link | None = None
    copy: int | None = None  # the recipient's number in a letter to several

    def __post_init__(self) -> None:
        _text(self.message_id, "message id")
        _text(self.title, "title")
        if LINE_BREAK.search(self.title):
            msg = "letter: title must be one line"
            raise InvalidMessageError(msg)
        if self.notification is not None and (
            not self.notification.strip() or len(self.notification) > NOTIFICATION_MAX
        ):
            msg = f"letter: notification must have 1-{NOTIFICATION_MAX} characters"
            raise InvalidMessageError(msg)
        if self.notification is not None and _NOT_XML.search(self.notification):
            msg = "letter: notification has a character XML cannot carry"
            raise InvalidMessageError(msg)
        if self.reply_by is not None and (not self.reply_wanted or self.reply_by.tzinfo is None):
            msg = "letter: reply_by needs reply_wanted and a time zone"
            raise InvalidMessageError(msg)
        if self.copy is not None and self.copy < 1:
            msg = "letter: copy counts from 1"
            raise InvalidMessageError(msg)
        if self.created.tzinfo is None or self.created.utcoffset() is None:
            msg = "letter: created must carry a time zone"
            raise InvalidMessageError(msg)

    @property
    def memo_message_id(self) -> str:
        """The MeMo ``messageID``, which the receipt names: the event id, per copy."""
        return self.message_id if self.copy is None else f"{self.message_id}/{self.copy}"

    @property
    def message_uuid(self) -> uuid.UUID:
        """The MeMo MessageUUID of this letter (see ``message_uuid``)."""
        return message_uuid(self.message_id, self.recipient)


def message_uuid(message_id: str, recipient: Cpr) -> uuid.UUID:
    """The same UUID for the same event and recipient, every time.

    Name-based like UUID v5 (SHA-1 over a fixed casehub namespace), but stamped as
    version 4: MeMo's ``memoUuidType`` pattern accepts only the v4 form. The UUID is a
    hash of the CPR number, so treat it like the number in logs: log the message id.
    """
    name = f"{message_id}\x1f{recipient.reveal()}".encode()
    digest = hashlib.sha1(_UUID_NAMESPACE.bytes + name, usedforsecurity=False).digest()
    return uuid.UUID(bytes=digest[:16], version=4)
