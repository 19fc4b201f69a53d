"""The SF2900 transport as the handover component uses it: the transport and its receipt route.

The business receipts land in the component's global store ``sf2900`` (every instance reads
it whole, so the one waiting sees a receipt another took); a hub without a global table (a
test's) keeps them in memory.
"""

from __future__ import annotations

from typing import Final

from starlette.routing import BaseRoute

from adapters.handover.reception import Receipts
from adapters.handover.sf2900.kvittering import kvittering_route
from adapters.handover.sf2900.settings import Sf2900Settings
from adapters.handover.sf2900.transport import Sf2900Transport
from adapters.handover.standin import MemoryReceipts

__all__ = ["SF2900_RECEIPTS", "sf2900_transport"]

SF2900_RECEIPTS: Final = "sf2900"
"""The global store of the business receipts, by (our municipality, AnvenderTransaktionsID)."""


def sf2900_transport(
    settings: Sf2900Settings, receipts: Receipts | None
) -> tuple[Sf2900Transport, tuple[BaseRoute, ...]]:
    """The transport, and the route Serviceplatformen posts receipts to (signed callers)."""
    kept: Receipts = MemoryReceipts() if receipts is None else receipts
    ours = {code: cvr for code, cvr in settings.authorities.items() if code in settings.agreements}
    transport = Sf2900Transport(settings, settings.endpoint.http_client(), kept)
    return transport, (kvittering_route(kept, ours),)
