"""The Danmarks Statistik port in hub terms: hand over one report, learn whether it was taken.

Errors, under ``hub.runtime.errors``:

- ``ReportRejectedError`` (``PermanentError``): DST refused the report, with its codes; the
  reporter publishes ``StatisticsRejected`` and a correction must follow as a new report.
- ``StatisticsRefusedError`` (``AuthorisationError``): our credentials or agreement refused.
- ``StatisticsUnavailableError`` (``UnavailableError``): no usable answer; try again (the
  report id makes a retry a recognised duplicate).
  - ``MalformedAnswerError``: an answer came but could not be read.

Messages name the operation and a code, never a CPR number or any content of the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from adapters.statistics.format import Report
from hub.runtime.errors import AuthorisationError, PermanentError, UnavailableError

__all__ = [
    "Acceptance",
    "MalformedAnswerError",
    "ReportRejectedError",
    "StatisticsReceiver",
    "StatisticsRefusedError",
    "StatisticsUnavailableError",
]


class ReportRejectedError(PermanentError):
    """DST rejected the report; ``codes`` says why (its own codes, never the content)."""

    def __init__(self, operation: str, codes: tuple[str, ...]) -> None:
        self.codes = codes
        super().__init__(f"{operation}: rejected, codes {','.join(codes)}")


class StatisticsRefusedError(AuthorisationError):
    """DST refuses our credentials, agreement or endpoint."""


class StatisticsUnavailableError(UnavailableError):
    """DST gave no usable answer (refused, timeout, 5xx)."""


class MalformedAnswerError(StatisticsUnavailableError):
    """The answer could not be read; a retry is recognised by the report id."""


@dataclass(frozen=True, slots=True)
class Acceptance:
    """DST has the report: its receipt, and whether it had it already."""

    report_id: str
    receipt_id: str
    received_at: dt.datetime
    duplicate: bool


class StatisticsReceiver(Protocol):
    """Danmarks Statistik's reception of reports, as the hub needs it."""

    async def send(self, report: Report) -> Acceptance:
        """Deliver one report; a report id DST already has is answered as a duplicate.

        Raises:
            ReportRejectedError: DST refused the report.
            StatisticsRefusedError: credentials, agreement or endpoint refused.
            StatisticsUnavailableError: no usable answer; try again.

        """
        ...
