"""The Digital Post port in hub terms: send a letter, read what became of it.

Errors (defined in ``errors.py``, under ``hub.runtime.errors``):

- ``InvalidMessageError`` (``PermanentError``): the letter cannot be sent as it is.
- ``RecipientRejectedError`` (``PermanentError``): the service will not take this recipient.
- ``DigitalPostRefusedError`` (``AuthorisationError``): our credentials or agreement are refused.
- ``DigitalPostUnavailableError`` (``UnavailableError``): no usable answer; try again.
  - ``MalformedAnswerError``: an answer came but could not be read safely.

Every message names the operation and a code, never a recipient, a title or a file name.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from typing import Protocol

from adapters.digitalpost.errors import (
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    InvalidMessageError,
    MalformedAnswerError,
    RecipientRejectedError,
)
from adapters.digitalpost.letter import Letter

__all__ = [
    "Channel",
    "DigitalPost",
    "DigitalPostRefusedError",
    "DigitalPostUnavailableError",
    "InvalidMessageError",
    "MalformedAnswerError",
    "Outcome",
    "Receipt",
    "ReceiptPage",
    "RecipientRejectedError",
    "SendReceipt",
]


class Channel(enum.Enum):
    """How the service will carry the letter, as SF1601's ``KombiValgKode`` names it."""

    DIGITAL = "Digital Post"
    PRINT = "Fysisk Post"


class Outcome(enum.Enum):
    """What finally became of a letter."""

    DELIVERED = "DELIVERED"  # in the recipient's digital mailbox
    PRINTED = "PRINTED"  # no Digital Post: sent as a physical letter (SF1600 print)
    FAILED = "FAILED"  # neither: the reason code says why


@dataclass(frozen=True, slots=True)
class SendReceipt:
    """The service has taken the letter; ``channel`` is ``None`` when it decides later."""

    message_uuid: uuid.UUID
    transmission_id: str
    channel: Channel | None


@dataclass(frozen=True, slots=True)
class Receipt:
    """A delivery receipt, reported after the send was accepted."""

    sequence: int
    message_uuid: uuid.UUID
    message_id: str
    outcome: Outcome
    at: dt.datetime
    reason: str | None = None  # a code such as NO_DIGITAL_POST, never text about the person


@dataclass(frozen=True, slots=True)
class ReceiptPage:
    """Receipts after a cursor, in order; pass ``next_since`` to the next call."""

    receipts: tuple[Receipt, ...]
    next_since: int


class DigitalPost(Protocol):
    """Digital Post (SF1601 Kombipost) as the hub needs it."""

    async def send(self, letter: Letter) -> SendReceipt:
        """Hand a letter over. Sending the same letter again is answered, not delivered twice.

        Raises:
            InvalidMessageError: the letter cannot be sent as it is.
            RecipientRejectedError: the service will not take this recipient.
            DigitalPostRefusedError: credentials, agreement or endpoint refused.
            DigitalPostUnavailableError: no usable answer; try again.

        """
        ...

    async def receipts(self, since: int) -> ReceiptPage:
        """Receipts with a sequence number above ``since``, oldest first.

        Raises:
            DigitalPostRefusedError: credentials, agreement or endpoint refused.
            DigitalPostUnavailableError: no usable answer; try again.

        """
        ...
