"""The finance system in hub terms: send one posting (økonomipostering), get its posting id.

Errors, under ``hub.runtime.errors``:

- ``PostingRejectedError`` (``PermanentError``): the finance system refused the posting; its
  code and reason travel in the message, so the quarantined record says why.
- ``FinanceUnavailableError`` (``UnavailableError``): no usable answer; try again (the
  posting key makes a retry a recognised duplicate, never a second posting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from hub.runtime.errors import PermanentError, UnavailableError

__all__ = [
    "BookedPosting",
    "FinanceSystem",
    "FinanceUnavailableError",
    "Posting",
    "PostingKind",
    "PostingReceipt",
    "PostingRejectedError",
    "PostingsBack",
    "UnreadableBooking",
]


class PostingKind(StrEnum):
    """What a posting books: a commitment (disponering), its reduction, or a payment."""

    COMMITMENT = "commitment"
    REDUCTION = "reduction"
    PAYMENT = "payment"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of the accounting basis (finansbilag); ids and amounts only, no person."""

    key: str
    """Derived from the event that caused it: the finance system de-duplicates on it."""
    municipality: str
    kind: PostingKind
    account: str
    cost_centre: str
    period: str
    """The accounting period, ``YYYY-MM``."""
    amount_ore: int
    reference: str
    """The measure the posting is for."""
    posting_date: dt.date
    case_reference: str = ""
    """The case the measure belongs to: the finance system's postings back name it."""


@dataclass(frozen=True, slots=True)
class PostingReceipt:
    """The finance system has the posting."""

    key: str
    posting_id: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class BookedPosting:
    """A posting the finance system has booked, as it sends it back (ids and amounts)."""

    sequence: int
    """Its place in the system's feed of bookings: read on from the last one seen."""
    posting_id: str
    key: str
    kind: PostingKind
    account: str
    period: str
    amount_ore: int
    reference: str
    case_reference: str
    booked_on: dt.date


@dataclass(frozen=True, slots=True)
class UnreadableBooking:
    """A booking in the feed that is not one the hub can read; the feed reads on past it.

    Its place is known (``sequence``), the rest is not usable: ``error`` names what is wrong
    (a part, never a value) and ``raw`` is the booking as the finance system sent it, as an
    answer of that one booking, so it can be read again once the cause is fixed.
    """

    sequence: int
    error: str
    raw: bytes


class PostingRejectedError(PermanentError):
    """The finance system refused the posting; ``code`` and ``reason`` say why."""

    def __init__(self, operation: str, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{operation}: rejected {code}: {reason}")


class FinanceUnavailableError(UnavailableError):
    """The finance system gave no usable answer (refused, timeout, 5xx, unreadable)."""


class FinanceSystem(Protocol):
    """The municipality's finance system behind FK-ØKO, as the hub needs it."""

    async def post(self, posting: Posting) -> PostingReceipt:
        """Send one posting; a key it already has is answered as a duplicate.

        Raises:
            PostingRejectedError: the posting was refused (code, reason).
            FinanceUnavailableError: no usable answer; try again.

        """
        ...


class PostingsBack(Protocol):
    """The finance system's postings back to the case system: its bookings, in order."""

    async def booked_after(
        self, municipality: str, sequence: int
    ) -> list[BookedPosting | UnreadableBooking]:
        """The municipality's bookings after ``sequence`` (0: from the first), oldest first.

        Returns at most one page; ask again after the last one's sequence for more. A
        booking whose place is known but whose other fields are not readable comes as an
        ``UnreadableBooking``: one bad booking never stops the feed.

        Raises:
            FinanceUnavailableError: no usable answer; try again.

        """
        ...
