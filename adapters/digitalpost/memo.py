"""A MeMo 1.2 message (namespace ``https://DigitalPost.dk/MeMo-1``) built from a ``Letter``.

Elements come in the order of the 1.2 ``MeMo_core.xsd``; ``memoSchVersion`` is left out,
as 1.2 requires. Every element carries the ``memo:`` prefix: SF1601 refuses the
default-namespace form.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Final

from lxml import etree

from adapters.digitalpost.letter import Document, Letter, Link

__all__ = ["MEMO_NS", "MEMO_VERSION", "build_message", "render"]

MEMO_NS: Final = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION: Final = "1.2"
_NSMAP: Final = {"memo": MEMO_NS}
# What 1.2 senders put in postType for letters from a public authority.
_POST_TYPE: Final = "MYNDIGHEDSPOST"


def _q(name: str) -> str:
    return f"{{{MEMO_NS}}}{name}"


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    if text is not None:
        child.text = text
    return child


def _memo_datetime(moment: dt.datetime) -> str:
    # memoDateTimeType: an xs:dateTime that ends in Z.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _files(parent: etree._Element, document: Document) -> None:
    file = _add(parent, "File")
    _add(file, "encodingFormat", document.media_type)
    _add(file, "filename", document.filename)
    _add(file, "language", document.language)
    _add(file, "content", base64.b64encode(document.content).decode("ascii"))


def _action(parent: etree._Element, link: Link) -> None:
    action = _add(parent, "Action")
    _add(action, "label", link.label)
    _add(action, "actionCode", link.code)
    _add(_add(action, "EntryPoint"), "url", link.url)


def _flag(parent: etree._Element, name: str, *, on: bool) -> None:
    # The XSD's default is false: a flag is written only when it is set.
    if on:
        _add(parent, name, "true")


def build_message(letter: Letter) -> etree._Element:
    """The ``memo:Message`` element for ``letter``."""
    message = etree.Element(_q("Message"), nsmap=_NSMAP)
    message.set("memoVersion", MEMO_VERSION)

    header = _add(message, "MessageHeader")
    _add(header, "messageType", "DIGITALPOST")
    _add(header, "messageUUID", str(letter.message_uuid))
    _add(header, "messageID", letter.memo_message_id)
    _add(header, "label", letter.title)
    if letter.notification is not None:
        _add(header, "notification", letter.notification)
    _flag(header, "reply", on=letter.reply_wanted)
    if letter.reply_by is not None:
        _add(header, "replyByDateTime", _memo_datetime(letter.reply_by))
    _flag(header, "mandatory", on=letter.mandatory)
    _flag(header, "legalNotification", on=letter.legal_notification)
    _add(header, "postType", _POST_TYPE)
    sender = _add(header, "Sender")
    _add(sender, "senderID", letter.sender.cvr)
    _add(sender, "idType", "CVR")
    _add(sender, "label", letter.sender.label)
    recipient = _add(header, "Recipient")
    _add(recipient, "recipientID", letter.recipient.reveal())
    _add(recipient, "idType", "CPR")
    if letter.case is not None:
        case_id = _add(_add(header, "ContentData"), "CaseID")
        _add(case_id, "caseID", letter.case.case_id)
        _add(case_id, "caseSystem", letter.case.case_system)
    if letter.in_reply_to is not None:
        reply = _add(header, "ReplyData")
        _add(reply, "messageUUID", str(letter.in_reply_to))
        _add(reply, "replyUUID", str(letter.message_uuid))
        if letter.case is not None:
            _add(reply, "caseID", letter.case.case_id)

    body = _add(message, "MessageBody")
    _add(body, "createdDateTime", _memo_datetime(letter.created))
    main = _add(body, "MainDocument")
    _files(main, letter.main_document)
    if letter.link is not None:
        _action(main, letter.link)  # after the files, as the XSD orders them
    for document in letter.additional_documents:
        _files(_add(body, "AdditionalDocument"), document)
    return message


def render(letter: Letter) -> bytes:
    """The message as pretty-printed UTF-8 XML with a declaration (for ``digitalpost render``)."""
    return etree.tostring(
        build_message(letter), encoding="UTF-8", xml_declaration=True, pretty_print=True
    )
