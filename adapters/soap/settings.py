"""What the SOAP adapters' settings share: the checks on them, and the HTTP client they describe.

Each adapter keeps its own fields (their defaults and descriptions are its own) and takes these:
``ByMunicipality[...]`` for its per-municipality table, ``cert_with_key`` as its model validator,
``http_client`` behind its ``*_http_client``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Protocol, TypeVar

import httpx
from pydantic import AfterValidator, BaseModel

from contracts.municipalities import MUNICIPALITIES
from hub.runtime.endpoint import EndpointSettings

__all__ = ["ByMunicipality", "cert_with_key", "http_client"]

_Value = TypeVar("_Value")


class _Tls(Protocol):
    @property
    def cert_file(self) -> Path | None: ...
    @property
    def key_file(self) -> Path | None: ...


_Settings = TypeVar("_Settings", bound=_Tls)


def _known_municipalities(value: dict[str, _Value]) -> dict[str, _Value]:
    unknown = sorted(code for code in value if code not in MUNICIPALITIES)
    if unknown:
        msg = f"unknown kommunekode: {', '.join(unknown)}"
        raise ValueError(msg)
    return value


ByMunicipality = Annotated[dict[str, _Value], AfterValidator(_known_municipalities)]
"""A table keyed by three-digit kommunekode; an unknown code fails validation."""


def cert_with_key(settings: _Settings) -> _Settings:
    """A client certificate comes with its key, or neither is given."""
    if (settings.cert_file is None) != (settings.key_file is None):
        msg = "cert_file and key_file go together"
        raise ValueError(msg)
    return settings


def http_client(settings: BaseModel) -> httpx.AsyncClient:
    """The HTTP client for the service: base URL, timeout and (with cert files) mutual TLS."""
    return EndpointSettings.model_validate(settings, from_attributes=True).http_client()
