"""A synthetic caller of the hub's HTTP endpoints: its secret, its settings and its signature."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import httpx
from starlette.types import ASGIApp

from contracts.municipalities import MUNICIPALITIES
from hub.runtime.callers import Caller, CallerSettings, SignedCallers, SignedRequests

__all__ = ["CALLER", "SECRET", "caller_settings", "signed_app", "signed_client", "signing"]

CALLER = "test-form-system"
SECRET = b"synthetic-secret-of-the-test-form-system-0001"
"""A test's secret, never a real caller's (at least 32 bytes, as the hub requires)."""


def signing(caller: str = CALLER, secret: bytes = SECRET) -> SignedRequests:
    """The ``httpx.Auth`` that signs as the test caller."""
    return SignedRequests(caller, secret)


def caller_settings(
    directory: Path,
    municipalities: Iterable[str],
    *,
    caller: str = CALLER,
    secret: bytes = SECRET,
) -> dict[str, CallerSettings]:
    """``Settings(callers=...)`` for one caller, its secret written to a file in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    secret_file = directory / f"{caller}.secret"
    secret_file.write_bytes(secret + b"\n")  # as an operator's editor leaves it
    return {caller: CallerSettings(secret_file=secret_file, municipalities=tuple(municipalities))}


def signed_app(
    app: ASGIApp,
    municipalities: Iterable[str] = MUNICIPALITIES,
    *,
    window_s: float = 300.0,
    max_body_bytes: int = 32 * 1024 * 1024,
) -> SignedCallers:
    """A bare surface behind the check the hub puts before it, the test caller bound as given.

    By default the caller may post for every municipality, so a surface's own answers (an
    unserved municipality's 422, say) are what a test sees.
    """
    caller = Caller(CALLER, frozenset(municipalities), (SECRET,))
    return SignedCallers(app, {CALLER: caller}, window_s=window_s, max_body_bytes=max_body_bytes)


def signed_client(app: ASGIApp, base_url: str) -> httpx.AsyncClient:
    """A client of ``app`` (in process) that signs as the test caller."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url, auth=signing()
    )
