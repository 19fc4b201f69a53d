"""A task: the unit state is kept and owned in (one municipality's partition ``p``).

Every business topic of a municipality has the same number of partitions and a case's
records are keyed by its case id, so a case is on partition ``p`` of every domain topic.
The group's state for those cases lives in partition ``p`` of its changelog for that
municipality, and the instance assigned partition ``p`` of the municipality's topics owns
it (the range assignor gives one member the same partitions of every topic).

The delivery runs each handler inside its record's task (``in_task``), so a component's
``Store`` reads and writes the right task without being told.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from routing.topics import parse_topic

__all__ = ["Task", "current_task", "in_task", "task_of"]


class Task(NamedTuple):
    """One municipality's partition."""

    municipality: str
    partition: int

    def __str__(self) -> str:
        return f"{self.municipality}/{self.partition}"


_CURRENT: contextvars.ContextVar[Task | None] = contextvars.ContextVar("task", default=None)


def task_of(topic: str, partition: int) -> Task:
    """The task of a business topic's partition.

    Raises:
        ValueError: the topic is not a casehub business topic.

    """
    name = parse_topic(topic)
    if name is None:
        msg = "not a casehub business topic"
        raise ValueError(msg)
    return Task(name.municipality, partition)


def current_task() -> Task | None:
    """The task of the record being handled, if any."""
    return _CURRENT.get()


@contextmanager
def in_task(task: Task) -> Iterator[None]:
    """Run the block as part of ``task``."""
    token = _CURRENT.set(task)
    try:
        yield
    finally:
        _CURRENT.reset(token)
