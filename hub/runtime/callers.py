"""Who may call the hub's HTTP endpoints: known callers' signed requests, each for its own.

A caller (an e-form system, a case system) signs every request with HMAC-SHA256 under a
secret it shares with the hub, in three headers:

- ``X-Casehub-Caller``: its id, as configured in ``CASEHUB_CALLERS``;
- ``X-Casehub-Timestamp``: the time of signing, in Unix seconds (ASCII digits);
- ``X-Casehub-Signature``: ``v1=`` and the lower-case hex HMAC-SHA256 of ``canonical(...)``:
  ``v1``, the method, the path as sent (percent-encoded), the query string as sent, the
  timestamp and the hex SHA-256 of the body, one per line.

``SignedCallers`` wraps every HTTP surface of the hub (the composition root applies it once,
around every component's routes); ``SignedRequests`` is the ``httpx.Auth`` that signs.

==========  ===================================================================================
status      when
==========  ===================================================================================
401         a header is missing or malformed, the caller is unknown, the signature is not the
            caller's, or the timestamp lies outside the window (an old request replayed)
413         the body is larger than the largest any surface takes (checked as it streams in)
==========  ===================================================================================

A verified request carries its ``Caller`` into the surface, which answers 403 (``acts_for``)
when the request names a municipality the caller is not bound to. Replays inside the window
are not refused (remembering every signature would be state on one instance): a replayed
submission has the same event id and is passed over, a replayed upload stores a second copy
that no event refers to; capturing a request needs the TLS in front of the hub broken.
During a secret's rotation the hub accepts a second secret per caller (``next_secret_file``),
so the caller can switch at any moment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Collection, Generator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Final

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.types import Kommunekode

__all__ = [
    "CALLER_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Caller",
    "CallerSettings",
    "SecretFileError",
    "SignedCallers",
    "SignedRequests",
    "acts_for",
    "canonical",
    "is_caller_id",
    "load_callers",
    "sign",
]

log = structlog.get_logger(__name__)

CALLER_HEADER: Final = "x-casehub-caller"
TIMESTAMP_HEADER: Final = "x-casehub-timestamp"
SIGNATURE_HEADER: Final = "x-casehub-signature"
MIN_SECRET_BYTES: Final = 32
"""A secret's least length: 256 bits, HMAC-SHA256's own strength."""

_SCOPE_KEY: Final = "casehub.caller"
_SIGNATURE: Final = re.compile(r"v1=([0-9a-f]{64})", re.ASCII)
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}", re.ASCII)  # never full-width or Arabic-Indic
_SCHEME: Final = 'Casehub-HMAC-SHA256 realm="casehub"'

_CALLER_ID: Final = re.compile(r"[a-z][a-z0-9-]{0,62}", re.ASCII)


def is_caller_id(text: str) -> bool:
    """True for a caller id: lower-case letters, digits, hyphens, a letter first (never a CPR)."""
    return _CALLER_ID.fullmatch(text) is not None


class SecretFileError(ValueError):
    """A caller's secret file cannot be used (missing, unreadable, too short)."""


class CallerSettings(BaseModel):
    """One caller in ``CASEHUB_CALLERS``: where its secret is, and for whom it may act."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    secret_file: Path = Field(description="File holding the shared secret (at least 32 bytes).")
    next_secret_file: Path | None = Field(
        default=None, description="A second secret, accepted too while the caller's is rotated."
    )
    municipalities: tuple[Kommunekode, ...] = Field(
        min_length=1, description="The municipalities this caller may post for."
    )


@dataclass(frozen=True)
class Caller:
    """A configured caller: its id, its municipalities and its secrets (never shown)."""

    id: str
    municipalities: frozenset[str]
    secrets: tuple[bytes, ...] = field(repr=False)

    def may_act_for(self, municipality: str) -> bool:
        """True when the caller is bound to ``municipality``."""
        return municipality in self.municipalities


def load_callers(callers: Mapping[str, CallerSettings]) -> dict[str, Caller]:
    """Read every caller's secrets from their files (at startup: a bad file stops the hub).

    Raises:
        SecretFileError: a secret file is missing, unreadable or too short; the message names the
            setting and the file, never a byte of its content.

    """
    loaded = {}
    for caller_id, settings in callers.items():
        files = [settings.secret_file, *filter(None, [settings.next_secret_file])]
        secrets = tuple(_read_secret(caller_id, path) for path in files)
        loaded[caller_id] = Caller(caller_id, frozenset(settings.municipalities), secrets)
    return loaded


def _read_secret(caller_id: str, path: Path) -> bytes:
    setting = f"CASEHUB_CALLERS[{caller_id}]"
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        msg = f"{setting}: cannot read the secret file {path} ({type(exc).__name__})"
        raise SecretFileError(msg) from None
    if len(secret) < MIN_SECRET_BYTES:
        msg = f"{setting}: the secret in {path} is shorter than {MIN_SECRET_BYTES} bytes"
        raise SecretFileError(msg)
    return secret


def canonical(method: str, path: bytes, query: bytes, timestamp: str, body: bytes) -> bytes:
    """What is signed: one line per part, the body by its SHA-256."""
    digest = hashlib.sha256(body).hexdigest()
    return b"\n".join(
        [b"v1", method.upper().encode(), path, query, timestamp.encode(), digest.encode()]
    )


def sign(secret: bytes, message: bytes) -> str:
    """The hex HMAC-SHA256 of ``message`` under ``secret``."""
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def acts_for(scope: Scope, municipality: str) -> bool:
    """True when the request's verified caller is bound to ``municipality``.

    A request that did not pass ``SignedCallers`` has no caller and acts for no one.
    """
    caller = scope.get(_SCOPE_KEY)
    return isinstance(caller, Caller) and caller.may_act_for(municipality)


class SignedRequests(httpx.Auth):
    """Signs each request as ``caller`` with ``secret`` (an ``httpx.Auth`` for clients)."""

    requires_request_body = True

    def __init__(
        self, caller: str, secret: bytes, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._caller = caller
        self._secret = secret
        self._clock = clock

    def __repr__(self) -> str:
        return f"SignedRequests(caller={self._caller!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Add the caller, the timestamp and the signature."""
        path, _, query = request.url.raw_path.partition(b"?")
        timestamp = str(int(self._clock()))
        message = canonical(request.method, path, query, timestamp, request.content)
        request.headers[CALLER_HEADER] = self._caller
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[SIGNATURE_HEADER] = f"v1={sign(self._secret, message)}"
        yield request


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
        message = canonical(scope["method"], path, scope["query_string"], timestamp, body)
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
