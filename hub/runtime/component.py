"""A hub component: a consumer of canonical events with its name, handler and lifecycle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from hub.runtime.delivery import Handler

__all__ = ["Component"]


@dataclass(frozen=True)
class Component:
    """A consumer of canonical events: its route name and its handler."""

    name: str
    handler: Handler
    close: Callable[[], Awaitable[None]] | None = None
    """Releases what the handler holds (an HTTP client); called when the hub stops."""
    background: Callable[[], Coroutine[Any, Any, None]] | None = None
    """A task that runs while the hub runs (a receipt poller, a ticker); cancelled at stop."""
