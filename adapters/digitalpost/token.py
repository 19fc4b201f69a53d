"""The SF1601 access token: obtained per service agreement, cached, renewed before it expires.

Serviceplatformen's documented flow (itk-dev/serviceplatformen ``docs/SF1601.md``):

1. ``POST {sts}/runtime/api/rest/wstrust/v1/issue`` over mutual TLS, a JSON request naming
   the agreement's CVR number (``AnvenderKontekst``), the one-line certificate
   (``UseKey``) and KombiPostAfsend's entity id; the answer carries a SAML assertion
   (``RequestedSecurityToken.Assertion``).
2. ``POST {serviceplatformen}/service/AccessTokenService_1/token``, form field
   ``saml-token``; the answer is JSON ``access_token``, ``token_type``, ``expires_in``.
3. Every SF1601 call carries ``Authorization: <token_type> <access_token>``.

An agreement is a CVR number: the default sender's, or a municipality's own. A token is
renewed ``min(margin, 10 % of its lifetime)`` before it expires, and never twice at once for
one agreement (one ``asyncio.Lock`` each). Neither the token nor the assertion is logged,
repr'd or put in an error message.

==============================  =============================================
token endpoint answer           error
==============================  =============================================
timeout, connection failure     ``DigitalPostUnavailableError``
429, 5xx                        ``DigitalPostUnavailableError``
other 4xx                       ``DigitalPostRefusedError`` (an ``AuthorisationError``)
not the JSON expected           ``MalformedAnswerError``
==============================  =============================================
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Final, Protocol

import httpx
import structlog
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from adapters.digitalpost.errors import (
    DigitalPostRefusedError,
    DigitalPostUnavailableError,
    MalformedAnswerError,
)

__all__ = [
    "KOMBI_ENTITY_ID",
    "STS_PATH",
    "TOKEN_PATH",
    "AccessToken",
    "Agreement",
    "ServiceplatformenTokens",
    "TokenPort",
    "use_key",
]

STS_PATH: Final = "/runtime/api/rest/wstrust/v1/issue"
TOKEN_PATH: Final = "/service/AccessTokenService_1/token"  # noqa: S105 - a path, not a secret
KOMBI_ENTITY_ID: Final = "http://entityid.kombit.dk/service/kombipostafsend/1"
_ANSWER_MAX: Final = 256 * 1024
_SHARE: Final = 0.1  # renew at the latest when 10 % of the lifetime is left
log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An access token and when to renew it (monotonic seconds); the value is never shown."""

    value: str = field(repr=False)
    token_type: str
    renew_at: float

    @property
    def authorization(self) -> str:
        """The ``Authorization`` header value."""
        return f"{self.token_type} {self.value}"


class TokenPort(Protocol):
    """Access tokens for SF1601, per agreement (a CVR number)."""

    async def token(self, cvr: str) -> AccessToken:
        """A token that is not due for renewal (cached, or obtained now).

        Raises:
            DigitalPostRefusedError: the STS or the token service refuses us, or no agreement.
            DigitalPostUnavailableError: no usable answer; try again.

        """
        ...

    async def renew(self, cvr: str, refused: AccessToken) -> AccessToken:
        """A new token after ``refused`` was refused (one renewal, however many ask).

        Raises:
            DigitalPostRefusedError: the STS or the token service refuses us, or no agreement.
            DigitalPostUnavailableError: no usable answer; try again.

        """
        ...


@dataclass(frozen=True, slots=True)
class Agreement:
    """One agreement: its CVR, its certificate as ``UseKey``, clients for STS and platform."""

    cvr: str
    use_key: str = field(repr=False)
    sts: httpx.AsyncClient = field(repr=False)
    platform: httpx.AsyncClient = field(repr=False)


def use_key(cert_file: Path) -> str:
    """The certificate on one line (base64 DER, no PEM armour), as the STS wants ``UseKey``."""
    der = x509.load_pem_x509_certificate(cert_file.read_bytes()).public_bytes(Encoding.DER)
    return base64.b64encode(der).decode("ascii")


class ServiceplatformenTokens:
    """The token port over the STS and Serviceplatformen's AccessTokenService."""

    def __init__(
        self,
        agreements: Mapping[str, Agreement],
        *,
        margin_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._agreements = dict(agreements)
        self._margin_s = margin_s
        self._clock = clock
        self._tokens: dict[str, AccessToken] = {}
        self._locks = {cvr: asyncio.Lock() for cvr in self._agreements}
        self.obtained = 0  # how many tokens were obtained (for tests and metrics)

    async def token(self, cvr: str) -> AccessToken:
        """A token not due for renewal; see ``TokenPort.token``."""
        lock = self._lock(cvr)
        cached = self._tokens.get(cvr)
        if cached is not None and self._clock() < cached.renew_at:
            return cached
        async with lock:
            cached = self._tokens.get(cvr)  # renewed while this call waited?
            if cached is not None and self._clock() < cached.renew_at:
                return cached
            return await self._obtain(cvr)

    async def renew(self, cvr: str, refused: AccessToken) -> AccessToken:
        """A new token after ``refused``; see ``TokenPort.renew``."""
        async with self._lock(cvr):
            cached = self._tokens.get(cvr)
            if cached is not None and cached is not refused:
                return cached  # another call renewed it already
            self._tokens.pop(cvr, None)
            return await self._obtain(cvr)

    def _lock(self, cvr: str) -> asyncio.Lock:
        lock = self._locks.get(cvr)
        if lock is None:
            msg = "SF1601 token: no agreement for this sender"
            raise DigitalPostRefusedError(msg)
        return lock

    async def _obtain(self, cvr: str) -> AccessToken:
        agreement = self._agreements[cvr]
        request = {
            "TokenType": "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0",
            "RequestType": "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
            "KeyType": "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey",
            "AnvenderKontekst": {"Cvr": agreement.cvr},
            "UseKey": agreement.use_key,
            "AppliesTo": {"EndpointReference": {"Address": KOMBI_ENTITY_ID}},
            "OnBehalfOf": None,
        }
        with _translate_errors("SF1601 token (STS)"):
            issued = await agreement.sts.post(STS_PATH, json=request)
            issued.raise_for_status()
            assertion = _field(_json(issued), "RequestedSecurityToken", "Assertion")
        with _translate_errors("SF1601 token (access token)"):
            started = self._clock()
            answer = await agreement.platform.post(TOKEN_PATH, data={"saml-token": assertion})
            answer.raise_for_status()
            body = _json(answer)
            value, token_type = _field(body, "access_token"), _field(body, "token_type")
            lifetime = body.get("expires_in")
            if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
                raise _AnswerError
        margin = min(self._margin_s, lifetime * _SHARE)
        token = AccessToken(value, token_type, renew_at=started + lifetime - margin)
        self._tokens[cvr] = token
        self.obtained += 1
        # The agreement's CVR is a municipality's, not a person's; the token is never logged.
        log.info("sf1601_token_obtained", agreement=cvr, expires_in_s=lifetime)
        return token

    def __repr__(self) -> str:
        return f"ServiceplatformenTokens(agreements={len(self._agreements)})"


class _AnswerError(Exception):
    """The answer was not the JSON expected."""


def _json(response: httpx.Response) -> dict[str, object]:
    if len(response.content) > _ANSWER_MAX:
        raise _AnswerError
    try:
        body = json.loads(response.content)
    except ValueError:
        raise _AnswerError from None
    if not isinstance(body, dict):
        raise _AnswerError
    return body


def _field(body: Mapping[str, object], *path: str) -> str:
    value: object = body
    for name in path:
        if not isinstance(value, Mapping):
            raise _AnswerError
        value = value.get(name)
    if not isinstance(value, str) or not value or any(c in value for c in "\r\n"):
        raise _AnswerError
    return value


@contextmanager
def _translate_errors(operation: str) -> Iterator[None]:
    """Token endpoint failures as port errors, ``from None`` (an answer may quote a token)."""
    try:
        yield
    except httpx.TimeoutException:
        msg = f"{operation}: timeout"
        raise DigitalPostUnavailableError(msg) from None
    except httpx.TransportError as exc:
        msg = f"{operation}: transport error {type(exc).__name__}"
        raise DigitalPostUnavailableError(msg) from None
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        msg = f"{operation}: HTTP {status}"
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise DigitalPostUnavailableError(msg) from None
        raise DigitalPostRefusedError(msg) from None
    except _AnswerError:
        msg = f"{operation}: unexpected answer"
        raise MalformedAnswerError(msg) from None
