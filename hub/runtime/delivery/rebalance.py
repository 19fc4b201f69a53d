"""What a rebalance does to a group's state: flushed and committed, then handed over.

aiokafka awaits these callbacks inside the rebalance, before the consumer fetches again:

- **revoked**: the delivery is held still (its batch or retry round ends first), its
  follow-ups confirmed, its state flushed and its offsets committed, then the tables of the
  revoked partitions are dropped. Their next owner restores them from the changelog;
- **assigned**: the tables of the assigned partitions are restored from the changelog
  before the first record is handled; the restore logs its duration (``state_restored``).

Tables are dropped on every revocation and read again on assignment, even for a partition
that comes back: a member that missed a generation (a long pause, a network split) cannot
know whether another wrote the partition's changelog meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import ConsumerRebalanceListener, TopicPartition

from hub.runtime.delivery.policy import Delivery
from hub.runtime.state.table import StateTable
from hub.runtime.state.task import Task, task_of

__all__ = ["StateRebalance", "tasks_of"]


def tasks_of(partitions: Iterable[TopicPartition]) -> set[Task]:
    """The tasks of business-topic partitions (other topics keep no state)."""
    tasks = set()
    for tp in partitions:
        try:
            tasks.add(task_of(tp.topic, tp.partition))
        except ValueError:
            continue
    return tasks


class StateRebalance(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """The rebalance listener of one group's subscriber."""

    def __init__(self, delivery: Delivery, table: StateTable) -> None:
        self._delivery = delivery
        self._table = table

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:  # noqa: ARG002 - every table goes
        """Finish, make durable and commit what was done; drop the tables."""
        async with self._delivery.quiet():
            await self._delivery.commit()
            await self._table.revoke(self._table.tasks)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        """Restore the assigned partitions' tables before their first record."""
        async with self._delivery.quiet():
            await self._table.assign(tasks_of(assigned))
