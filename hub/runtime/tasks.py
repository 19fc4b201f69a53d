"""Background tasks whose end is never silent.

A task made with ``asyncio.create_task`` that nobody awaits until the hub stops dies
unnoticed: the hub runs on, ready, without its retrier or a component's schedule. A watched
task logs when it ends other than by cancellation: the exception's class only (its message
may quote a value), or that it returned.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

__all__ = ["watched"]

log = structlog.get_logger(__name__)


def watched(work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Run ``work`` as a task named ``name``; its end is logged unless it was cancelled."""
    task = asyncio.create_task(work, name=name)
    task.add_done_callback(_ended)
    return task


def _ended(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return  # the hub stopping
    error = task.exception()  # also marks it retrieved: asyncio logs no message of it
    if error is None:
        log.warning("background_task_ended", task=task.get_name())
    else:
        log.error("background_task_ended", task=task.get_name(), error=type(error).__name__)
