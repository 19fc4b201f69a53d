"""External HTTP calls timed at the one seam every adapter's client is made at.

Every adapter builds its ``httpx.AsyncClient`` with ``EndpointSettings.http_client()``,
which installs these event hooks. The delivery names the calling component for the records
it runs (``calling``); the municipality is the record's task. A call made outside a
delivery (a receipt poller, a command) is not timed: no component is named for it.

The hooks see a call from request to response headers. A call that gets no answer (refused,
timed out) fires no response hook, so it is not in the histogram; the component's retries,
quarantine and breaker count it.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from hub.runtime.metrics.registry import HubMetrics
from hub.runtime.state.task import current_task
from hub.runtime.tracing import Tracing

__all__ = ["calling", "event_hooks"]

_UNTRACED = Tracing()

_CALLER: contextvars.ContextVar[tuple[HubMetrics, str, Tracing] | None] = contextvars.ContextVar(
    "caller", default=None
)
_STARTED = "casehub_started"  # the request's extension holding when it was sent
_SPAN = "casehub_span"  # ... and its span


@contextmanager
def calling(metrics: HubMetrics, component: str, tracing: Tracing | None = None) -> Iterator[None]:
    """Within the block, external calls are timed (and traced) for ``component``."""
    token = _CALLER.set((metrics, component, tracing or _UNTRACED))
    try:
        yield
    finally:
        _CALLER.reset(token)


async def _sent(request: httpx.Request) -> None:
    caller = _CALLER.get()
    if caller is not None:
        request.extensions[_STARTED] = time.perf_counter()
        request.extensions[_SPAN] = caller[2].call_started(request.method, request.url.host)


async def _answered(response: httpx.Response) -> None:
    caller = _CALLER.get()
    started = response.request.extensions.get(_STARTED)
    if caller is None or started is None:
        return
    metrics, component, tracing = caller
    span = response.request.extensions.get(_SPAN)
    if span is not None:
        tracing.call_ended(span, response.status_code)
    task = current_task()
    outcome = f"{response.status_code // 100}xx"
    metrics.calls.labels(component, task.municipality if task else "", outcome).observe(
        time.perf_counter() - started
    )


def event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """The hooks ``EndpointSettings.http_client()`` installs (fresh lists: httpx keeps them)."""
    return {"request": [_sent], "response": [_answered]}
