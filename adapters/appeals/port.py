"""The Ankestyrelsen port in hub terms: forward one appeal, get an acknowledgement.

Errors, under ``hub.runtime.errors``:

- ``AppealRejectedError`` (``PermanentError``): Ankestyrelsen refused the package (codes).
- ``AppealsRefusedError`` (``AuthorisationError``): our credentials or agreement refused.
- ``AppealsUnavailableError`` (``UnavailableError``): no usable answer; try again (the
  forward id makes a retry a recognised duplicate).
  - ``MalformedAnswerError``: an answer came but could not be read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from adapters.appeals.package import AppealPackage
from hub.runtime.errors import AuthorisationError, PermanentError, UnavailableError

__all__ = [
    "Acknowledgement",
    "AppealRejectedError",
    "AppealsBoard",
    "AppealsRefusedError",
    "AppealsUnavailableError",
    "MalformedAnswerError",
]


class AppealRejectedError(PermanentError):
    """Ankestyrelsen refused the package; ``codes`` says why."""

    def __init__(self, operation: str, codes: tuple[str, ...]) -> None:
        self.codes = codes
        super().__init__(f"{operation}: rejected, codes {','.join(codes)}")


class AppealsRefusedError(AuthorisationError):
    """Ankestyrelsen refuses our credentials, agreement or endpoint."""


class AppealsUnavailableError(UnavailableError):
    """Ankestyrelsen gave no usable answer (refused, timeout, 5xx)."""


class MalformedAnswerError(AppealsUnavailableError):
    """The answer could not be read; a retry is recognised by the forward id."""


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """Ankestyrelsen has the appeal."""

    forward_id: str
    acknowledgement_id: str
    received_at: dt.datetime
    duplicate: bool


class AppealsBoard(Protocol):
    """Ankestyrelsen's reception of appeals, as the hub needs it."""

    async def forward(self, package: AppealPackage) -> Acknowledgement:
        """Forward one appeal; a forward id it already has is answered as a duplicate.

        Raises:
            AppealRejectedError: the package was refused.
            AppealsRefusedError: credentials, agreement or endpoint refused.
            AppealsUnavailableError: no usable answer; try again.

        """
        ...
