"""What the SF1601 stand-in checks in a kombi request, without the official XSD.

The project never copies reference files, so the stand-in cannot load ``MeMo_core.xsd``
at run time. It checks the structure it relies on instead: the ``kombi_request`` frame,
MeMo 1.2 in the ``memo:`` prefix, the required header and body elements, the v4 form of
``messageUUID``, file names and base64 content. A refusal names a code and an element
path, never a value.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Final

from lxml import etree

from adapters.digitalpost.memo import MEMO_NS

__all__ = ["CHOICES", "Inbound", "RefusedError", "check_kombi"]

CHOICES: Final = frozenset({"Automatisk Valg", "Digital Post", "Fysisk Post", "NemSMS"})
_UUID_V4: Final = re.compile(
    r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-4[a-fA-F0-9]{3}-[aAbB89][a-fA-F0-9]{3}-[a-fA-F0-9]{12}"
)
_FILENAME_FORBIDDEN: Final = re.compile(
    '[<>:"/\\\\|?*\r\n\u00a0\u2000-\u200a\u2028\u205f\u2060\u3000]'
)
_TEXT_MAX: Final = 256
INVALID_MEMO: Final = "UGYLDIG_MEMO"
INVALID_KOMBI: Final = "UGYLDIG_KOMBI"
INVALID_CHOICE: Final = "UGYLDIG_KOMBIVALG"


class RefusedError(Exception):
    """The request is refused with ``code``; ``where`` is an element path, never a value."""

    def __init__(self, code: str, where: str = "") -> None:
        self.code = code
        self.where = where
        super().__init__(f"{code} {where}".strip())


@dataclass(frozen=True, slots=True)
class Inbound:
    """What the stand-in needs from an accepted request."""

    choice: str
    message_type: str
    message_uuid: uuid.UUID
    message_id: str
    recipient_id: str
    recipient_id_type: str
    sender_id: str = ""


def _q(name: str) -> str:
    return f"{{{MEMO_NS}}}{name}"


def _one(parent: etree._Element, name: str, where: str) -> etree._Element:
    found = parent.findall(_q(name))
    if len(found) != 1:
        raise RefusedError(INVALID_MEMO, f"{where}/{name}")
    return found[0]


def _text(parent: etree._Element, name: str, where: str, *, required: bool = True) -> str:
    found = parent.findall(_q(name))
    if not found and not required:
        return ""
    if len(found) != 1:
        raise RefusedError(INVALID_MEMO, f"{where}/{name}")
    text = (found[0].text or "").strip()
    if not text or len(text) > _TEXT_MAX:
        raise RefusedError(INVALID_MEMO, f"{where}/{name}")
    return text


def _check_files(document: etree._Element, where: str) -> None:
    files = document.findall(_q("File"))
    if not files:
        raise RefusedError(INVALID_MEMO, f"{where}/File")
    for index, file in enumerate(files):
        at = f"{where}/File[{index}]"
        _text(file, "encodingFormat", at)
        if _FILENAME_FORBIDDEN.search(_text(file, "filename", at)):
            raise RefusedError(INVALID_MEMO, f"{at}/filename")
        if len(_text(file, "language", at)) > 2:  # noqa: PLR2004 - memoLanguageType
            raise RefusedError(INVALID_MEMO, f"{at}/language")
        content = _one(file, "content", at).text or ""
        try:
            if not base64.b64decode(content, validate=True):
                raise RefusedError(INVALID_MEMO, f"{at}/content")
        except binascii.Error:
            raise RefusedError(INVALID_MEMO, f"{at}/content") from None


def _check_header(header: etree._Element) -> tuple[str, uuid.UUID, str, str, str, str]:
    where = "Message/MessageHeader"
    message_type = _text(header, "messageType", where)
    if message_type not in {"DIGITALPOST", "NEMSMS"}:
        raise RefusedError(INVALID_MEMO, f"{where}/messageType")
    raw_uuid = _text(header, "messageUUID", where)
    if not _UUID_V4.fullmatch(raw_uuid):
        raise RefusedError(INVALID_MEMO, f"{where}/messageUUID")
    message_id = _text(header, "messageID", where, required=False)
    _text(header, "label", where)
    sender = _one(header, "Sender", where)
    sender_id = _text(sender, "senderID", f"{where}/Sender")
    for name in ("idType", "label"):
        _text(sender, name, f"{where}/Sender")
    recipient = _one(header, "Recipient", where)
    recipient_id = _text(recipient, "recipientID", f"{where}/Recipient")
    id_type = _text(recipient, "idType", f"{where}/Recipient")
    if id_type == "CPR" and not re.fullmatch(r"\d{10}", recipient_id):
        raise RefusedError(INVALID_MEMO, f"{where}/Recipient/recipientID")
    return message_type, uuid.UUID(raw_uuid), message_id, recipient_id, id_type, sender_id


def _check_body(body: etree._Element) -> None:
    where = "Message/MessageBody"
    created = _text(body, "createdDateTime", where)
    try:
        dt.datetime.fromisoformat(created)
    except ValueError:
        raise RefusedError(INVALID_MEMO, f"{where}/createdDateTime") from None
    if not created.endswith("Z"):
        raise RefusedError(INVALID_MEMO, f"{where}/createdDateTime")
    _check_files(_one(body, "MainDocument", where), f"{where}/MainDocument")
    for index, extra in enumerate(body.findall(_q("AdditionalDocument"))):
        _check_files(extra, f"{where}/AdditionalDocument[{index}]")


def check_kombi(root: etree._Element) -> Inbound:
    """The parts of a kombi request the stand-in acts on.

    Raises:
        RefusedError: the request is not a kombi request with a usable MeMo 1.2 message.

    """
    if root.tag != "kombi_request":
        raise RefusedError(INVALID_KOMBI, "kombi_request")
    choice = (root.findtext("KombiValgKode") or "").strip()
    if choice not in CHOICES:
        raise RefusedError(INVALID_CHOICE, "kombi_request/KombiValgKode")
    messages = root.findall(_q("Message"))
    if len(messages) != 1:
        raise RefusedError(INVALID_MEMO, "Message")
    message = messages[0]
    # SF1601 refuses the default-namespace form, so the stand-in does too.
    if message.prefix != "memo":
        raise RefusedError(INVALID_MEMO, "Message (memo: prefix)")
    if message.get("memoVersion") != "1.2" or message.get("memoSchVersion") is not None:
        raise RefusedError(INVALID_MEMO, "Message/@memoVersion")
    message_type, message_uuid, message_id, recipient_id, id_type, sender_id = _check_header(
        _one(message, "MessageHeader", "Message")
    )
    _check_body(_one(message, "MessageBody", "Message"))
    return Inbound(choice, message_type, message_uuid, message_id, recipient_id, id_type, sender_id)
