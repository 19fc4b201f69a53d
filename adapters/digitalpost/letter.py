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

__all__ = ["CaseReference", "Document", "Letter", "Sender", "message_uuid"]

# MeMo's memoTextType: at most 256 characters.
TEXT_MAX: Final = 256
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
    fixes the MessageUUID, so a redelivered event sends the same message again.
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

    def __post_init__(self) -> None:
        _text(self.message_id, "message id")
        _text(self.title, "title")
        if self.created.tzinfo is None or self.created.utcoffset() is None:
            msg = "letter: created must carry a time zone"
            raise InvalidMessageError(msg)

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
