"""The stand-in identity provider served on a loopback port until the block ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from hub.runtime.serve import serving
from hub.web.idp.app import IdentityProvider
from hub.web.idp.users import IdpDirectory

__all__ = ["running_idp"]


@asynccontextmanager
async def running_idp(
    directory: IdpDirectory, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[IdentityProvider]:
    """Serve a provider for ``directory``; its ``issuer`` is its base URL."""
    provider = IdentityProvider(directory)
    async with serving(provider.app(), host, port) as url:
        provider.issuer = url
        yield provider
