"""The sending hub's ``FordelingskvitteringModtag``: business receipts in, kept in Kafka.

Serviceplatformen posts each receipt of a distribution the hub sent to this route (SOAP,
``FordelingskvitteringModtagAnvenderRequest``). It is one of the component's ``routes``, so
only a signed caller reaches it (``hub.runtime.callers``: Serviceplatformen holds a caller
secret, in production behind the mutual-TLS terminator too), and the caller must be bound to
the municipality whose CVR number is the receipt's ``AfsendendeMyndighed``: a forged
``AFVIST`` would otherwise end a handover as refused. (A forged ``ACCEPTERET`` cannot deliver
one: it carries the receiver's signed receipt, which the sender verifies.)

The receipt is kept in the component's global store, so the instance waiting for it sees it
whichever instance took the request. Every instance writes that table and the last record of
a key wins, so each row has one kind of writer:

- ``<transaction>``: the outcome (``ACCEPTERET`` / ``AFVIST``), written only by this route
  and only while no outcome is kept: write-once. A retry never writes it, so a retry on one
  instance cannot overwrite an outcome another instance has just stored (its view of the
  table may not have it yet). Serviceplatformen posts one business receipt per distribution
  (again the same one, for a repeated transaction), so a second outcome is that one again;
  one that differs from the kept outcome is dropped and logged.
- ``<transaction>.try``: where the current try stands: the pending marker each try writes
  before it asks for the distribution, then a failed distribution's ``FEJLET`` (a failed
  try is tried again, so its receipt must not outlast the next try's marker).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Final

import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.handover.reception import Receipts
from adapters.handover.sf2900.messages import (
    Kvittering,
    Kvitteringstype,
    Validering,
    kvittering_response,
    read_kvittering_request,
)
from adapters.soap.standin import fault
from hub.runtime.callers import acts_for
from hub.runtime.errors import PermanentError
from hub.web.forms import read_limited

__all__ = [
    "KVITTERING_PATH",
    "keep_kvittering",
    "kept_kvittering",
    "kept_outcome",
    "kept_try",
    "kvittering_route",
    "mark_pending",
]

KVITTERING_PATH: Final = "/handover/sf2900/kvittering"
_MAX_BYTES: Final = 256 * 1024  # a receipt and the receiver's signed receipt inside it
_XML: Final = "text/xml; charset=utf-8"
# The outcomes that stay; a failed distribution (FEJLET) is tried again, so its receipt does not.
_STICKY: Final = frozenset({Validering.ACCEPTERET, Validering.AFVIST})
_TRY: Final = ".try"  # the suffix of a transaction's try row
_PENDING: Final = Kvittering(Validering.MODTAGET, Kvitteringstype.TEKNISK)

log = structlog.get_logger(__name__)


def kvittering_route(receipts: Receipts, authorities: Mapping[str, str]) -> Route:
    """The route; ``authorities`` maps our kommunekoder to their CVR numbers."""
    municipality_of = {cvr: code for code, cvr in authorities.items()}

    async def take(request: Request) -> Response:
        body = await read_limited(request, _MAX_BYTES)  # never more than the cap in memory
        if body is None:
            return _fault(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "TooLarge")
        try:
            kvittering, context = read_kvittering_request(body)
        except PermanentError:  # malformed or unsafe XML: never quoted
            return _fault(HTTPStatus.BAD_REQUEST, "InvalidRequest")
        municipality = municipality_of.get(context.sender_cvr)
        if municipality is None or not acts_for(request.scope, municipality):
            log.warning("sf2900_kvittering_refused")
            return _fault(HTTPStatus.FORBIDDEN, "NotAuthorized")
        await keep_kvittering(receipts, municipality, context.transaction, kvittering)
        log.info(
            "sf2900_kvittering",
            transaction=context.transaction,
            code=kvittering.code.value,
            kind=kvittering.kind.value,
        )
        return Response(kvittering_response(), HTTPStatus.OK, media_type=_XML)

    return Route(KVITTERING_PATH, take, methods=["POST"])


async def keep_kvittering(
    receipts: Receipts, municipality: str, transaction: str, kvittering: Kvittering
) -> None:
    """Keep a posted receipt: an outcome in its write-once row, any other in the try's row."""
    if kvittering.code not in _STICKY:
        await _write(receipts, municipality, transaction + _TRY, kvittering)
        return
    kept = kept_outcome(receipts, municipality, transaction)
    if kept is not None:
        if kept != kvittering:
            log.warning("sf2900_kvittering_outcome_differs", transaction=transaction)
        return
    await _write(receipts, municipality, transaction, kvittering)


async def mark_pending(receipts: Receipts, municipality: str, transaction: str) -> None:
    """Mark a new try pending in the try's row (a failed try's ``FEJLET`` is not this one's)."""
    await _write(receipts, municipality, transaction + _TRY, _PENDING)


def kept_outcome(receipts: Receipts, municipality: str, transaction: str) -> Kvittering | None:
    """The outcome (``ACCEPTERET`` / ``AFVIST``) kept for ``transaction``, if any."""
    return _read(receipts, municipality, transaction)


def kept_try(receipts: Receipts, municipality: str, transaction: str) -> Kvittering | None:
    """Where the current try of ``transaction`` stands (pending, ``FEJLET``), if known."""
    return _read(receipts, municipality, transaction + _TRY)


def kept_kvittering(receipts: Receipts, municipality: str, transaction: str) -> Kvittering | None:
    """The outcome kept for ``transaction``, else where its current try stands."""
    kept = kept_outcome(receipts, municipality, transaction)
    return kept if kept is not None else kept_try(receipts, municipality, transaction)


async def _write(receipts: Receipts, municipality: str, key: str, kvittering: Kvittering) -> None:
    value = {
        "code": kvittering.code.value,
        "kind": kvittering.kind.value,
        "reason": kvittering.reason,
    }
    receipts.put(municipality, key, json.dumps(value).encode())
    await receipts.flush()


def _read(receipts: Receipts, municipality: str, key: str) -> Kvittering | None:
    kept = receipts.get(municipality, key)
    if kept is None:
        return None
    value = json.loads(kept)
    return Kvittering(Validering(value["code"]), Kvitteringstype(value["kind"]), value["reason"])


def _fault(status: HTTPStatus, code: str) -> Response:
    reply = fault("Client", code, "the receipt is not taken")
    return Response(reply.body, status, media_type=_XML)
