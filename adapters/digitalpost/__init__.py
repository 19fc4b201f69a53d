"""Digital Post (SF1601 Kombipost with a MeMo 1.2 message): port, client and letters."""

from adapters.digitalpost.client import DigitalPostClient, KombiChoice
from adapters.digitalpost.component import COMPONENT
from adapters.digitalpost.errors import (
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    InvalidMessageError,
    MalformedAnswerError,
    RecipientRejectedError,
)
from adapters.digitalpost.letter import CaseReference, Document, Letter, Sender, message_uuid
from adapters.digitalpost.memo import build_message, render
from adapters.digitalpost.port import (
    Channel,
    DigitalPost,
    Outcome,
    Receipt,
    ReceiptPage,
    SendReceipt,
)
from adapters.digitalpost.token import AccessToken, ServiceplatformenTokens, TokenPort

__all__ = [
    "COMPONENT",
    "AccessToken",
    "CaseReference",
    "Channel",
    "DigitalPost",
    "DigitalPostClient",
    "DigitalPostRefusedError",
    "DigitalPostUnavailableError",
    "Document",
    "InvalidMessageError",
    "KombiChoice",
    "Letter",
    "MalformedAnswerError",
    "Outcome",
    "Receipt",
    "ReceiptPage",
    "RecipientRejectedError",
    "SendReceipt",
    "Sender",
    "ServiceplatformenTokens",
    "TokenPort",
    "build_message",
    "message_uuid",
    "render",
]
