"""The SF2900 Fordelingskomponent transport: SFTP upload, ``FordelingsobjektAfsend``, receipts.

``deliver`` puts the sealed package (the same JWE bytes as the hub-to-hub transport's) on
Serviceplatformen's SFTP server as ``<AnvenderTransaktionsID>.package.jwe``, then asks
DistributionService to distribute it to the receiving municipality (``RoutingMyndighed``),
and gets the technical receipt in the answer. The business receipt comes later, posted by
Serviceplatformen to the sending hub (``kvittering``), which keeps it in a global store; the
delivery waits for it there (``receipt_wait_s``). ``answer`` sends the receiver's signed
answer the same way (``<id>.answer.jws``).

The transaction id is derived from the handover (``ids``), so a retry is the same
distribution: a receipt already kept is the answer, without sending again, and
Serviceplatformen answers a distribution it has with its first receipt.

=====================================  ============================================
receipt / failure                      result
=====================================  ============================================
``ACCEPTERET`` (receipt inside)        the receiver's signed receipt (``Begrundelse``)
``AFVIST`` with a reason               ``DeliveryRefusedError(reason)``
``FEJLET``, no receipt in time         ``ReceiverUnavailableError`` (retried, then parked)
SFTP refused, timeout; HTTP 429/5xx    ``ReceiverUnavailableError``
SFTP key or HTTP 401/403 refused       ``TransportRefusedError``
other HTTP 4xx                         ``DeliveryRefusedError("http_<status>")``
no agreement or CVR for a party        ``NoRouteError``
=====================================  ============================================
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Final

import httpx

from adapters.capped import AnswerTooLargeError, post_capped
from adapters.handover.jose import header_of
from adapters.handover.port import (
    Delivery,
    DeliveryRefusedError,
    NoRouteError,
    ReceiverUnavailableError,
    TransportRefusedError,
)
from adapters.handover.reception import Receipts
from adapters.handover.refusal import Refusal
from adapters.handover.sf2900.ids import Material, file_name, transaction_id
from adapters.handover.sf2900.kvittering import kept_kvittering, kept_outcome, mark_pending
from adapters.handover.sf2900.messages import (
    AFSEND_ACTION,
    Context,
    Kvittering,
    MalformedMessageError,
    Validering,
    afsend_request,
    read_afsend_response,
    refusal_code,
)
from adapters.handover.sf2900.settings import Sf2900Settings
from adapters.handover.sf2900.sftp import SftpUploader
from hub.runtime.errors import PermanentError
from hub.runtime.xmlsafe import UnsafeXmlError

__all__ = ["NoReceiptError", "Sf2900Transport"]

_MAX_ANSWER: Final = 64 * 1024
_REFUSED: Final = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN})
_POLL_S: Final = 0.1


class NoReceiptError(PermanentError):
    """An ``ACCEPTERET`` receipt without the receiver's signed receipt in it."""


class Sf2900Transport:
    """``HandoverTransport`` over SF2900; ``receipts`` is where the business receipts land."""

    def __init__(
        self,
        settings: Sf2900Settings,
        http: httpx.AsyncClient,
        receipts: Receipts,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._settings = settings
        self._http = http
        self._receipts = receipts
        self._sftp = SftpUploader(settings.sftp)
        self._sleep = sleep

    async def deliver(self, delivery: Delivery) -> bytes:
        """Distribute the package; the receiver's signed receipt (see the module's table)."""
        kvittering = await self._distribute(
            Material.PACKAGE, delivery.from_municipality, delivery.to_municipality,
            delivery.handover_id, delivery.package,
        )  # fmt: skip
        if not kvittering.reason:
            msg = "handover delivery: an ACCEPTERET receipt without the receiver's receipt"
            raise NoReceiptError(msg)
        return kvittering.reason.encode()

    async def answer(self, to_municipality: str, answer: bytes) -> None:
        """Distribute the signed answer to the sending municipality."""
        try:
            header = header_of(json.loads(answer)["protected"])
            sender, handover_id = str(header["iss"]), str(header["jti"])
        except (ValueError, TypeError, KeyError):
            raise DeliveryRefusedError(Refusal.MALFORMED.value) from None
        await self._distribute(Material.ANSWER, sender, to_municipality, handover_id, answer)

    async def aclose(self) -> None:
        """Close the client of Serviceplatformen."""
        await self._http.aclose()

    async def _distribute(
        self, material: Material, sender: str, receiver: str, handover_id: str, content: bytes
    ) -> Kvittering:
        settings = self._settings
        agreement = settings.agreements.get(sender)
        sender_cvr, receiver_cvr = (
            settings.authorities.get(sender),
            settings.authorities.get(receiver),
        )
        if agreement is None or sender_cvr is None or receiver_cvr is None:
            msg = "handover delivery: no SF2900 agreement or CVR number for a party"
            raise NoRouteError(msg)
        transaction = transaction_id(material, sender, handover_id)
        kept = kept_outcome(self._receipts, sender, transaction)
        if kept is not None:
            return _outcome(kept)  # distributed before a crash or a lost commit
        name = file_name(material, transaction)
        await self._sftp.put(agreement, name, content)
        # A receipt kept from a failed try (FEJLET) is not this try's: mark it pending first,
        # in the try's own row (the outcome's row is the receipt route's alone: write-once).
        await mark_pending(self._receipts, sender, transaction)
        technical = await self._afsend(Context(transaction, sender_cvr, receiver_cvr, name))
        if technical.code.final:
            return _outcome(technical)
        return _outcome(await self._wait(sender, transaction))

    async def _afsend(self, context: Context) -> Kvittering:
        headers = {"content-type": "text/xml; charset=utf-8", "soapaction": f'"{AFSEND_ACTION}"'}
        try:
            answer = await post_capped(
                self._http, self._settings.path, content=afsend_request(context),
                headers=headers, max_bytes=_MAX_ANSWER,
            )  # fmt: skip
        except (httpx.TransportError, AnswerTooLargeError) as exc:
            msg = f"handover delivery: Serviceplatformen gave no answer ({type(exc).__name__})"
            raise ReceiverUnavailableError(msg) from None
        status = answer.status_code
        if status in _REFUSED:
            msg = f"handover delivery: Serviceplatformen refuses us (HTTP {status})"
            raise TransportRefusedError(msg)
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            msg = f"handover delivery: Serviceplatformen unavailable (HTTP {status})"
            raise ReceiverUnavailableError(msg)
        if status != HTTPStatus.OK:
            code = f"http_{status}"
            raise DeliveryRefusedError(code)
        try:
            technical, _ = read_afsend_response(answer.content)
        except (MalformedMessageError, UnsafeXmlError):
            msg = "handover delivery: Serviceplatformen's answer is not a technical receipt"
            raise ReceiverUnavailableError(msg) from None
        return technical

    async def _wait(self, sender: str, transaction: str) -> Kvittering:
        deadline = time.monotonic() + self._settings.receipt_wait_s
        while True:
            kept = kept_kvittering(self._receipts, sender, transaction)
            if kept is not None and kept.code.final:
                return kept
            if time.monotonic() >= deadline:
                msg = "handover delivery: no business receipt yet; distributing again later"
                raise ReceiverUnavailableError(msg)
            await self._sleep(_POLL_S)


def _outcome(kvittering: Kvittering) -> Kvittering:
    if kvittering.code is Validering.ACCEPTERET:
        return kvittering
    if kvittering.code is Validering.AFVIST:
        raise DeliveryRefusedError(refusal_code(kvittering.reason))
    msg = f"handover delivery: distribution {kvittering.code.value.lower()}"
    raise ReceiverUnavailableError(msg)
