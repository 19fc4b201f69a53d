"""The relying party's view of the identity provider: discovery, JWKS, the token request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

__all__ = ["Provider", "ProviderError", "ProviderMetadata"]


class ProviderError(Exception):
    """The identity provider did not answer as OpenID Connect says; the message says how."""


@dataclass(frozen=True)
class ProviderMetadata:
    """What the discovery document says (the parts the hub uses)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class Provider:
    """One identity provider, for one client: discovered once, its keys refreshed on rotation."""

    def __init__(
        self, issuer: str, *, client_id: str, client_secret: str, http: httpx.AsyncClient
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self._http = http
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None

    async def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code != httpx.codes.OK:
            msg = f"{what}: HTTP {response.status_code}"
            raise ProviderError(msg)
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            msg = f"{what}: not a JSON object"
            raise ProviderError(msg)
        return document

    async def _get(self, url: str, what: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
        except httpx.HTTPError as error:
            msg = f"{what}: {type(error).__name__}"
            raise ProviderError(msg) from None
        return await self._json(response, what)

    async def metadata(self) -> ProviderMetadata:
        """The discovery document, read once.

        Raises:
            ProviderError: unreachable, malformed, another issuer, or no S256 PKCE.

        """
        if self._metadata is None:
            document = await self._get(
                f"{self.issuer}/.well-known/openid-configuration", "discovery"
            )
            fields = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            if not all(isinstance(document.get(name), str) for name in fields):
                msg = "discovery: a required endpoint is missing"
                raise ProviderError(msg)
            if document["issuer"].rstrip("/") != self.issuer:
                msg = "discovery: the document names another issuer"
                raise ProviderError(msg)
            if "S256" not in document.get("code_challenge_methods_supported", []):
                msg = "discovery: the provider does not offer PKCE S256"
                raise ProviderError(msg)
            self._metadata = ProviderMetadata(**{name: document[name] for name in fields})
        return self._metadata

    async def keys_for(self, id_token: str) -> KeySet:
        """The provider's signing keys, fetched again when the token names a key not yet seen.

        Raises:
            ProviderError: the JWKS is unreachable or malformed.

        """
        try:
            kid = extract_compact(id_token.encode("ascii")).protected.get("kid")
        except (JoseError, ValueError, UnicodeEncodeError):
            kid = None  # a malformed token: validation refuses it with the keys we have
        known = self._keys is not None and (
            kid is None or any(key.kid == kid for key in self._keys.keys)
        )
        if not known or self._keys is None:
            metadata = await self.metadata()
            document = await self._get(metadata.jwks_uri, "jwks")
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, KeyError, TypeError):
                msg = "jwks: not a key set"
                raise ProviderError(msg) from None
        return self._keys

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        """Where to send the browser to sign in (code flow, PKCE S256)."""
        metadata = await self.metadata()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid",
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return f"{metadata.authorization_endpoint}{separator}{query}"

    async def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> str:
        """The ID token the provider gives for ``code`` (client_secret_basic).

        Raises:
            ProviderError: unreachable, or it refused the code, the verifier or the client.

        """
        metadata = await self.metadata()
        try:
            response = await self._http.post(
                metadata.token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": code_verifier,
                },
                auth=(self.client_id, self._client_secret),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            msg = f"token: {type(error).__name__}"
            raise ProviderError(msg) from None
        document = await self._json(response, "token")
        id_token = document.get("id_token")
        if not isinstance(id_token, str):
            msg = "token: no id_token in the answer"
            raise ProviderError(msg)
        return id_token
