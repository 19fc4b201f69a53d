"""Serving an ASGI app with uvicorn on loopback, inside a running event loop.

Used by the CLI, the demo and the end-to-end tests, so every one of them talks real HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp

__all__ = ["StartupFailedError", "free_port", "listening_socket", "serving"]


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` for uvicorn to accept on.

    The protocol is named (``IPPROTO_TCP``, not 0): asyncio turns Nagle's algorithm off
    (``TCP_NODELAY``) only on sockets whose protocol says TCP, and accepted sockets inherit
    it. Without it every answer waited ~40 ms for the client's delayed ACK.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` now, for a server whose address others must know before it starts.

    (An identity provider's redirect URI, a peer hub's answers.) Another process could take it
    in between; on loopback in a test or the demo that is a risk worth its simplicity.
    """
    sock = listening_socket(host, 0)
    try:
        return int(sock.getsockname()[1])
    finally:
        sock.close()


class StartupFailedError(RuntimeError):
    """The app's lifespan start-up failed; its error was logged."""

    def __init__(self) -> None:
        super().__init__("the server stopped during start-up (the log says why)")


@asynccontextmanager
async def serving(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Run ``app`` until the block ends; yields its base URL once lifespan start-up is done."""
    sock = listening_socket(host, port)
    config = uvicorn.Config(app, lifespan="on", log_config=None, access_log=False)
    server = uvicorn.Server(config)

    async def serve() -> None:
        # uvicorn ends a failed start-up with SystemExit, which would stop the whole event
        # loop from inside a task; the lifespan's error itself is in the log already.
        try:
            await server.serve(sockets=[sock])
        except SystemExit:
            raise StartupFailedError from None

    task = asyncio.create_task(serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # start-up failed: raise its error here
                raise StartupFailedError
            await asyncio.sleep(0.05)
        bound_host, bound_port = sock.getsockname()[:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.should_exit = True
        try:
            with contextlib.suppress(StartupFailedError):  # raised above already
                await task
        finally:
            sock.close()
