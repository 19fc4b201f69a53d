"""What a rebalance does to a group's state: flushed and committed, then handed over.

aiokafka awaits these callbacks inside the rebalance, before the consumer fetches again:

- **revoked**: the delivery is held still (its batch or retry round ends first), its
  follow-ups confirmed, its state flushed and its offsets committed, then the tables of the
  revoked partitions are dropped. Their next owner restores them from the changelog;
- **assigned**: the tables of the assigned partitions are restored from the changelog
  before the first record is handled; the restore logs its duration (``state_restored``).
  A restore that fails (the changelog cannot be read) is tried again until it succeeds or
  the hub stops (``stop``), the delivery held still meanwhile: were the callback to give
  up, the consumer would fetch the partitions anyway and their records, with no table
  here, would be passed over. The group is not ready until its first restore succeeded.

Offsets the revoke could not commit (the state did not reach the changelog) are dropped
with the partitions: the records behind them come again to the partitions' next owner, and
a later commit of this instance must not name a partition it no longer holds.

Tables are dropped on every revocation and read again on assignment, even for a partition
that comes back: a member that missed a generation (a long pause, a network split) cannot
know whether another wrote the partition's changelog meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

import structlog
from aiokafka import ConsumerRebalanceListener, TopicPartition

from hub.runtime.delivery.policy import Delivery
from hub.runtime.errors import TransientError
from hub.runtime.state.table import StateTable
from hub.runtime.state.task import Task, task_of

__all__ = ["StateRebalance", "tasks_of", "whole_tasks"]

log = structlog.get_logger(__name__)


def tasks_of(partitions: Iterable[TopicPartition]) -> set[Task]:
    """The tasks of business-topic partitions (other topics keep no state)."""
    tasks = set()
    for tp in partitions:
        try:
            tasks.add(task_of(tp.topic, tp.partition))
        except ValueError:
            continue
    return tasks


def whole_tasks(assigned: Iterable[TopicPartition], topics: Iterable[str]) -> set[Task]:
    """The tasks of which ``assigned`` holds partition *p* of *every* topic of its municipality.

    The range assignor splits each topic among the members subscribed to it: while members
    subscribe to different topics (a rolling deploy that adds a route), one may get partition
    *p* of one topic and another partition *p* of the rest. A task so split is owned by
    neither, so two instances never write one task's state; its records wait until the
    members agree again.
    """
    held = {(tp.topic, tp.partition) for tp in assigned}
    of_municipality: dict[str, list[str]] = {}
    for name in topics:
        with contextlib.suppress(ValueError):
            of_municipality.setdefault(task_of(name, 0).municipality, []).append(name)
    whole = set()
    for task in tasks_of(assigned):
        names = of_municipality.get(task.municipality, [])
        if all((name, task.partition) in held for name in names):
            whole.add(task)
        else:
            log.error("task_split", task=str(task), held=sum((n, task.partition) in held
                      for n in names), of=len(names))  # fmt: skip
    return whole


class StateRebalance(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """The rebalance listener of one group's subscriber."""

    def __init__(
        self,
        delivery: Delivery,
        table: StateTable,
        *,
        topics: Iterable[str] = (),
        retry_s: float = 1.0,
    ) -> None:
        self._delivery = delivery
        self._table = table
        self._topics = tuple(topics)
        self._retry_s = retry_s
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """The hub stops: a failing restore is not tried again.

        The consumer's close waits for the rebalance callback to end.
        """
        self._stopping.set()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        """Finish, make durable and commit what was done; drop the tables."""
        async with self._delivery.quiet():
            await self._delivery.commit()
            self._delivery.forget(revoked)
            await self._table.revoke(self._table.tasks)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        """Restore the assigned partitions' tables before their first record."""
        tasks = whole_tasks(assigned, self._topics) if self._topics else tasks_of(assigned)
        async with self._delivery.quiet():
            while True:
                try:
                    await self._table.assign(tasks)
                except TransientError as exc:
                    log.warning(
                        "state_not_restored",
                        group=self._table.group,
                        tasks=len(tasks),
                        reason=str(exc),
                        retry_in_s=self._retry_s,
                    )
                    if self._stopping.is_set():
                        raise
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), timeout=self._retry_s)
                else:
                    return
