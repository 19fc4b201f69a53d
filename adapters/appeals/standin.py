"""Ankestyrelsen's reception, locally: checks each package, acknowledges once, can fail.

The failure switch, the one handler ``answer`` and its carriers (``transport()``, ``asgi()``) are
``adapters.jsonreceiver``'s. A forward id it already has is acknowledged again as a duplicate
and not kept twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from http import HTTPStatus

from adapters.appeals.client import APPEALS_PATH
from adapters.appeals.package import AppealPackage, PackageError, validate_package
from adapters.jsonreceiver import Answer, Failure, JsonReceiver, utc_now

__all__ = ["AppealsStandin", "Failure"]


class AppealsStandin(JsonReceiver):
    """The receiver: ``appeals`` in arrival order, ``rejections`` as codes."""

    def __init__(
        self, *, clock: Callable[[], dt.datetime] = utc_now, hang_seconds: float = 5.0
    ) -> None:
        super().__init__(APPEALS_PATH, clock=clock, hang_seconds=hang_seconds)
        self.appeals: list[AppealPackage] = []
        self._acks: dict[str, tuple[str, dt.datetime]] = {}
        self.duplicates = 0
        self.rejections: list[str] = []

    def _receive(self, body: bytes) -> Answer:
        try:
            package = validate_package(body)
        except PackageError as exc:
            self.rejections.append(exc.code)
            where = [p.location for p in exc.problems]
            return Answer(HTTPStatus.UNPROCESSABLE_ENTITY, {"codes": [exc.code], "where": where})
        known = self._acks.get(package.forward_id)
        duplicate = known is not None
        if known is None:
            known = (str(uuid.uuid4()), self._clock())
            self._acks[package.forward_id] = known
            self.appeals.append(package)
        else:
            self.duplicates += 1
        body_out = {
            "forward_id": package.forward_id,
            "acknowledgement_id": known[0],
            "received_at": known[1].isoformat(),
            "duplicate": duplicate,
        }
        return Answer(HTTPStatus.OK if duplicate else HTTPStatus.CREATED, body_out)
