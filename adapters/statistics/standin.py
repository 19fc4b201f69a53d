"""Danmarks Statistik's reception, locally: validates, keeps every report, can be told to fail.

The failure switch, the one handler ``answer`` and its carriers (``transport()``, ``asgi()``) are
``adapters.jsonreceiver``'s. It checks each report against the format
versions live on its own clock (both around a change), recognises a report id it already has
and answers it as a duplicate, and never replaces a report: a correction must name a
report it has (``UNKNOWN_CORRECTED`` otherwise). As DST registers every record on a person,
a record without its child (a placement form that names only the case) is refused with
``CHILD_MISSING``, and one whose number is not a CPR number with ``CPR_INVALID``; ``where``
names the field, never the number. ``reject`` maps a report id to a code it answers with,
as DST does for content it will not take (e.g. ``CPR_UNKNOWN``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from http import HTTPStatus

from adapters.jsonreceiver import Answer, Failure, JsonReceiver, utc_now
from adapters.statistics.client import REPORTS_PATH
from adapters.statistics.format import FormatError, Report, validate_report
from adapters.statistics.versions import UnknownVersionError, accepted_on

__all__ = ["Failure", "StatisticsStandin"]


class StatisticsStandin(JsonReceiver):
    """The receiver: ``reports`` in arrival order (append-only), ``rejections`` as codes."""

    def __init__(
        self, *, clock: Callable[[], dt.datetime] = utc_now, hang_seconds: float = 5.0
    ) -> None:
        super().__init__(REPORTS_PATH, clock=clock, hang_seconds=hang_seconds)
        self.reports: list[Report] = []
        self._receipts: dict[str, tuple[str, dt.datetime]] = {}
        self.duplicates = 0
        self.rejections: list[tuple[str, ...]] = []
        self.reject: dict[str, str] = {}

    def by_id(self, report_id: str) -> Report:
        """The report stored under ``report_id``."""
        return next(r for r in self.reports if r.report_id == report_id)

    def _receive(self, body: bytes) -> Answer:
        now = self._clock()
        try:
            report = validate_report(body, accepted_on(now))
        except FormatError as exc:
            return self._rejected(exc.code, *(p.location for p in exc.problems))
        except UnknownVersionError:
            return self._rejected("VERSION_NOT_LIVE")
        known = self._receipts.get(report.report_id)
        if known is not None:
            self.duplicates += 1
            return self._accepted(report.report_id, *known, duplicate=True)
        if report.corrects is not None and report.corrects not in self._receipts:
            return self._rejected("UNKNOWN_CORRECTED")
        code = self.reject.get(report.report_id)
        if code is not None:
            return self._rejected(code)
        self.reports.append(report)
        receipt = (str(uuid.uuid4()), now)
        self._receipts[report.report_id] = receipt
        return self._accepted(report.report_id, *receipt, duplicate=False)

    def _rejected(self, code: str, *where: str) -> Answer:
        self.rejections.append((code,))
        return Answer(HTTPStatus.UNPROCESSABLE_ENTITY, {"codes": [code], "where": list(where)})

    @staticmethod
    def _accepted(report_id: str, receipt_id: str, at: dt.datetime, *, duplicate: bool) -> Answer:
        status = HTTPStatus.OK if duplicate else HTTPStatus.CREATED
        body = {
            "report_id": report_id,
            "receipt_id": receipt_id,
            "received_at": at.isoformat(),
            "duplicate": duplicate,
        }
        return Answer(status, body)
