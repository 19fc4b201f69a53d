"""The hub-to-hub HTTPS transport: ``POST /handover/packages`` with the sealed package.

The receiving hub answers with the signed receipt; its business answer goes the other way,
``POST /handover/answers`` to the sending hub (answered 200 with an empty body). Mutual TLS
comes from each peer's ``EndpointSettings`` (cert, key and CA files).

=============================  ===============================================
answer                         result
=============================  ===============================================
200 with a receipt             the receipt's bytes
422 with ``refusal``           ``DeliveryRefusedError(refusal)``
401, 403, 404, 405             ``TransportRefusedError``
429, 5xx, timeout, transport   ``ReceiverUnavailableError``
an answer over 64 KiB          ``ReceiverUnavailableError`` (read while streaming)
other 4xx                      ``DeliveryRefusedError("http_<status>")``
=============================  ===============================================

Errors are raised ``from None`` and name a code only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Final

import httpx

from adapters.capped import AnswerTooLargeError, post_capped
from adapters.handover.port import (
    Delivery,
    DeliveryRefusedError,
    NoRouteError,
    ReceiverUnavailableError,
    TransportRefusedError,
)

__all__ = ["ANSWERS_PATH", "PACKAGES_PATH", "HttpTransport"]

PACKAGES_PATH: Final = "/handover/packages"
ANSWERS_PATH: Final = "/handover/answers"
MEDIA_TYPE: Final = "application/jose+json"
_MAX_ANSWER: Final = 64 * 1024
_REFUSED: Final = frozenset({401, 403, 404, 405})
_CODE: Final = re.compile(r"[a-z0-9_]{1,40}")


class HttpTransport:
    """Delivers to each peer's hub over HTTP(S), one client per receiving municipality."""

    def __init__(self, peers: Mapping[str, httpx.AsyncClient]) -> None:
        self._peers = dict(peers)

    async def deliver(self, delivery: Delivery) -> bytes:
        """Post the package; see the module's table."""
        headers = {"x-handover-id": delivery.handover_id}
        return await self._post(delivery.to_municipality, PACKAGES_PATH, delivery.package, headers)

    async def answer(self, to_municipality: str, answer: bytes) -> None:
        """Post the signed answer to the sender's hub; see the module's table."""
        await self._post(to_municipality, ANSWERS_PATH, answer, {})

    async def _post(
        self, municipality: str, path: str, body: bytes, headers: dict[str, str]
    ) -> bytes:
        http = self._peers.get(municipality)
        if http is None:
            msg = "handover delivery: no endpoint for that municipality"
            raise NoRouteError(msg)
        try:
            answer = await post_capped(
                http, path, content=body, headers={"content-type": MEDIA_TYPE, **headers},
                max_bytes=_MAX_ANSWER,
            )  # fmt: skip
        except (httpx.TransportError, AnswerTooLargeError) as exc:
            msg = f"handover delivery: no answer ({type(exc).__name__})"
            raise ReceiverUnavailableError(msg) from None
        return _receipt(answer)

    async def aclose(self) -> None:
        """Close every peer's client."""
        for http in self._peers.values():
            await http.aclose()


def _receipt(answer: httpx.Response) -> bytes:
    status = answer.status_code
    if status == HTTPStatus.OK:
        return answer.content
    if status == HTTPStatus.UNPROCESSABLE_ENTITY:
        raise DeliveryRefusedError(_refusal(answer))
    if status in _REFUSED:
        msg = f"handover delivery: refused (HTTP {status})"
        raise TransportRefusedError(msg)
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        msg = f"handover delivery: unavailable (HTTP {status})"
        raise ReceiverUnavailableError(msg)
    code = f"http_{status}"
    raise DeliveryRefusedError(code)


def _refusal(answer: httpx.Response) -> str:
    try:
        refusal = json.loads(answer.content).get("refusal")
    except (ValueError, AttributeError):
        return "unreadable"
    return refusal if isinstance(refusal, str) and _CODE.fullmatch(refusal) else "unreadable"
