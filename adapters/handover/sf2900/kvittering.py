"""The sending hub's ``FordelingskvitteringModtag``: business receipts in, kept in Kafka.

Serviceplatformen posts each receipt of a distribution the hub sent to this route (SOAP,
``FordelingskvitteringModtagAnvenderRequest``). It is one of the component's ``routes``, so
only a signed caller reaches it (``hub.runtime.callers``: Serviceplatformen holds a caller
secret, in production behind the mutual-TLS terminator too), and the caller must be bound to
the municipality whose CVR number is the receipt's ``AfsendendeMyndighed``: a forged
``AFVIST`` would otherwise end a handover as refused. (A forged ``ACCEPTERET`` cannot deliver
one: it carries the receiver's signed receipt, which the sender verifies.)

The receipt is kept in the component's global store under (municipality, transaction), so
the instance waiting for it sees it whichever instance took the request; the first final
receipt stays.
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

__all__ = ["KVITTERING_PATH", "keep_kvittering", "kept_kvittering", "kvittering_route"]

KVITTERING_PATH: Final = "/handover/sf2900/kvittering"
_MAX_BYTES: Final = 256 * 1024  # a receipt and the receiver's signed receipt inside it
_XML: Final = "text/xml; charset=utf-8"
# The outcomes that stay; a failed distribution (FEJLET) is tried again, so its receipt does not.
_STICKY: Final = frozenset({Validering.ACCEPTERET, Validering.AFVIST})

log = structlog.get_logger(__name__)


def kvittering_route(receipts: Receipts, authorities: Mapping[str, str]) -> Route:
    """The route; ``authorities`` maps our kommunekoder to their CVR numbers."""
    municipality_of = {cvr: code for code, cvr in authorities.items()}

    async def take(request: Request) -> Response:
        body = await request.body()
        if len(body) > _MAX_BYTES:
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
    """Keep ``kvittering`` unless an outcome is kept already (the first one stays)."""
    kept = kept_kvittering(receipts, municipality, transaction)
    if kept is not None and kept.code in _STICKY:
        return
    value = {
        "code": kvittering.code.value,
        "kind": kvittering.kind.value,
        "reason": kvittering.reason,
    }
    receipts.put(municipality, transaction, json.dumps(value).encode())
    await receipts.flush()


def kept_kvittering(receipts: Receipts, municipality: str, transaction: str) -> Kvittering | None:
    """The receipt kept for ``transaction``, if any."""
    kept = receipts.get(municipality, transaction)
    if kept is None:
        return None
    value = json.loads(kept)
    return Kvittering(Validering(value["code"]), Kvitteringstype(value["kind"]), value["reason"])


def _fault(status: HTTPStatus, code: str) -> Response:
    reply = fault("Client", code, "the receipt is not taken")
    return Response(reply.body, status, media_type=_XML)
