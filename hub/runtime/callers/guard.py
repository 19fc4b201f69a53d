"""The check in front of every HTTP surface: only verified callers' requests get through."""

from __future__ import annotations

import hmac
import json
import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.runtime.callers.config import Caller
from hub.runtime.callers.signature import (
    CALLER_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    canonical,
    sign,
)

__all__ = ["SignedCallers", "acts_for"]

log = structlog.get_logger(__name__)

_SCOPE_KEY: Final = "casehub.caller"
_SIGNATURE: Final = re.compile(r"v1=([0-9a-f]{64})", re.ASCII)
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}", re.ASCII)  # never full-width or Arabic-Indic
_SCHEME: Final = 'Casehub-HMAC-SHA256 realm="casehub"'


def acts_for(scope: Scope, municipality: str) -> bool:
    """True when the request's verified caller is bound to ``municipality``.

    A request that did not pass ``SignedCallers`` has no caller and acts for no one.
    """
    caller = scope.get(_SCOPE_KEY)
    return isinstance(caller, Caller) and caller.may_act_for(municipality)


@dataclass(frozen=True, slots=True)
class _Refusal:
    status: HTTPStatus
    header: str
    problem: str


class SignedCallers:
    """An ASGI wrapper: only verified callers' requests reach ``app``.

    ``open_paths`` are answered without a signature for GET and HEAD (health probes).
    The body is read whole (up to ``max_body_bytes``) before anything of ``app`` runs, so
    a surface never acts on bytes that were not signed.
    """

    def __init__(  # noqa: PLR0913 - each is one setting of the check
        self,
        app: ASGIApp,
        callers: Mapping[str, Caller],
        *,
        window_s: float,
        max_body_bytes: int,
        open_paths: Collection[str] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._app = app
        self._callers = dict(callers)
        self._window_s = window_s
        self._max_body_bytes = max_body_bytes
        self._open = frozenset(open_paths)
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 401 or 413 itself, or pass the verified request (with its caller) on."""
        if scope["type"] != "http" or (
            scope["method"] in {"GET", "HEAD"} and scope["path"] in self._open
        ):
            await self._app(scope, receive, send)
            return
        claimed = self._claimed(scope)
        if isinstance(claimed, _Refusal):
            await _refuse(claimed, send)
            return
        caller, timestamp, signature = claimed
        body = await _read_limited(scope, receive, self._max_body_bytes)
        if body is None:
            return  # the client went away: nobody to answer
        if isinstance(body, _Refusal):
            await _refuse(body, send)
            return
        path = scope.get("raw_path") or scope["path"].encode()
        message = canonical(
            scope["method"], path, scope["query_string"], timestamp, body, _headers(scope)
        )
        # Every secret is compared, in constant time, whichever matches.
        matches = [hmac.compare_digest(sign(s, message), signature) for s in caller.secrets]
        if not any(matches):
            log.info("caller_refused", caller=caller.id, header=SIGNATURE_HEADER)
            await _refuse(_Refusal(HTTPStatus.UNAUTHORIZED, SIGNATURE_HEADER, _NOT_VALID), send)
            return
        scope[_SCOPE_KEY] = caller
        with structlog.contextvars.bound_contextvars(caller=caller.id):
            await self._app(scope, _replaying(body, receive), send)

    def _claimed(self, scope: Scope) -> tuple[Caller, str, str] | _Refusal:
        """The caller, timestamp and signature the headers claim, or why they are refused."""
        headers = _headers(scope)
        caller_id = headers.get(CALLER_HEADER)
        if not caller_id:
            return _unauthorised(CALLER_HEADER, "missing")
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        if (late := self._timestamp_refused(timestamp)) is not None:
            return late
        given = headers.get(SIGNATURE_HEADER)
        if not given:
            return _unauthorised(SIGNATURE_HEADER, "missing")
        if (match := _SIGNATURE.fullmatch(given.strip())) is None:
            return _unauthorised(SIGNATURE_HEADER, "not v1=<64 lower-case hex digits>")
        caller = self._callers.get(caller_id)
        if caller is None:
            # Answered as a wrong signature, so the answers do not tell which ids exist; the
            # claimed id is not logged (anyone may send anything in it).
            log.info("caller_refused", header=CALLER_HEADER, unknown=True)
            return _unauthorised(SIGNATURE_HEADER, _NOT_VALID)
        return caller, timestamp, match.group(1)

    def _timestamp_refused(self, timestamp: str) -> _Refusal | None:
        """Why the timestamp is refused (missing, malformed, outside the window), or None."""
        if not timestamp:
            return _unauthorised(TIMESTAMP_HEADER, "missing")
        if not _TIMESTAMP.fullmatch(timestamp):
            return _unauthorised(TIMESTAMP_HEADER, "not Unix seconds in ASCII digits")
        if abs(self._clock() - int(timestamp)) > self._window_s:
            log.info("caller_refused", header=TIMESTAMP_HEADER, expired=True)
            return _unauthorised(
                TIMESTAMP_HEADER,
                f"outside the {self._window_s:g} s window; sign the request again now",
            )
        return None


_NOT_VALID: Final = "not valid for this caller, body and time"


def _unauthorised(header: str, problem: str) -> _Refusal:
    return _Refusal(HTTPStatus.UNAUTHORIZED, header, problem)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _read_limited(scope: Scope, receive: Receive, limit: int) -> bytes | _Refusal | None:
    """The whole body; a refusal when it is over ``limit``; None when the client left."""
    too_large = _Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body", f"over {limit} bytes")
    declared = _headers(scope).get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return too_large
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body.extend(message.get("body", b""))
        if len(body) > limit:
            return too_large
        if not message.get("more_body", False):
            return bytes(body)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body read already, then the client's own events."""
    pending = [body]

    async def replay() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        return await receive()

    return replay


async def _refuse(refusal: _Refusal, send: Send) -> None:
    answer = {
        "error": refusal.status.phrase,
        "problems": [{"field": refusal.header, "problem": refusal.problem}],
    }
    content = json.dumps(answer).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(content))]
    if refusal.status == HTTPStatus.UNAUTHORIZED:
        headers.append((b"www-authenticate", _SCHEME.encode()))
    await send({"type": "http.response.start", "status": int(refusal.status), "headers": headers})
    await send({"type": "http.response.body", "body": content})
