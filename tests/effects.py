"""An external system with a side effect, for fault tests: counts what it applied.

``EffectStandIn`` is a real HTTP server (ASGI, served on loopback): ``POST /effects/{id}``
applies the effect once per id, as a real protocol with deterministic message ids does
(Digital Post's MessageUUID): a repeated id is recognised and answered 200, not applied
again. It can be told to fail: the next N calls with 503, everything with 401, a given id
with 503 (for as long as it is listed) or 422, or every call until a moment (an outage).

``recorder`` is the hub component that calls it for every PersonLookupRequested, mapping
the answers onto the hub's error hierarchy as a real adapter's client does.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts.person import PersonLookupRequested
from hub.runtime.component import Component
from hub.runtime.errors import AuthorisationError, PermanentError, UnavailableError

__all__ = ["EffectStandIn", "recorder"]


class EffectStandIn:
    def __init__(self, *, latency_s: float = 0.0) -> None:
        self.applied: Counter[str] = Counter()
        self.order: list[str] = []
        self.calls: Counter[str] = Counter()
        self.fail_next = 0
        self.unauthorised = False
        self.reject: set[str] = set()
        self.unavailable: set[str] = set()
        self.down_until = 0.0
        self.latency_s = latency_s
        self.url = ""  # set once it is served
        self.app = Starlette(routes=[Route("/effects/{effect_id}", self._effect, methods=["POST"])])

    async def _effect(self, request: Request) -> Response:
        effect_id = request.path_params["effect_id"]
        self.calls[effect_id] += 1
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self.unauthorised:
            return JSONResponse({"fault": "agreement not valid"}, status_code=401)
        if time.monotonic() < self.down_until:
            return JSONResponse({"fault": "down"}, status_code=503)
        busy = self.fail_next > 0 or effect_id in self.unavailable
        if self.fail_next > 0:
            self.fail_next -= 1
        if busy:
            return JSONResponse({"fault": "busy"}, status_code=503)
        if effect_id in self.reject:
            return JSONResponse({"fault": "rejected"}, status_code=422)
        if effect_id in self.applied:
            return JSONResponse({"duplicate": True}, status_code=200)
        self.applied[effect_id] += 1
        self.order.append(effect_id)
        return JSONResponse({"applied": True}, status_code=201)


def recorder(base_url: str, *, name: str = "recorder") -> Component:
    http = httpx.AsyncClient(base_url=base_url, timeout=5.0)

    async def record(event) -> None:
        try:
            answer = await http.post(f"/effects/{event.envelope.id}")
        except httpx.TransportError as exc:
            raise UnavailableError(f"effect service unreachable: {type(exc).__name__}") from None
        if answer.status_code in {401, 403}:
            raise AuthorisationError(f"effect service refused us: {answer.status_code}")
        if answer.status_code >= 500:
            raise UnavailableError(f"effect service answered {answer.status_code}")
        if answer.status_code >= 400:
            raise PermanentError(f"effect service rejected the effect: {answer.status_code}")

    return Component(name, record, close=http.aclose, consumes=(PersonLookupRequested,))
