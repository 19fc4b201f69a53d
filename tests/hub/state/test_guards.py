"""Guards of task ownership, offline: a split task is owned by nobody; a bad restore by nobody."""

import pytest
from aiokafka import TopicPartition
from structlog.testing import capture_logs

from hub.runtime.delivery.rebalance import whole_tasks
from hub.runtime.errors import TransientError
from hub.runtime.state import MemoryChangelog, StateTable, Task
from routing.topics import topic

TOPICS = [topic(domain, "101") for domain in ("intake", "case", "person")]


def test_a_task_is_owned_only_with_its_partition_of_every_topic():
    every = [TopicPartition(name, 1) for name in TOPICS]
    assert whole_tasks(every, TOPICS) == {Task("101", 1)}


def test_a_task_split_between_members_is_owned_by_neither():
    # A rolling deploy that adds a route: the new members alone subscribe to one topic, so
    # the range assignor gives its partition 1 to one member, the others' to another.
    one = [TopicPartition(TOPICS[0], 1)]
    rest = [TopicPartition(name, 1) for name in TOPICS[1:]]
    with capture_logs() as logged:
        assert whole_tasks(one, TOPICS) == set()
        assert whole_tasks(rest, TOPICS) == set()
    assert [line["event"] for line in logged] == ["task_split", "task_split"]


def test_other_tasks_of_the_assignment_stay_owned():
    assigned = [TopicPartition(name, 0) for name in TOPICS] + [TopicPartition(TOPICS[0], 2)]
    assert whole_tasks(assigned, TOPICS) == {Task("101", 0)}


class Unreadable:
    """A listener that cannot read a row (one written by another version, say)."""

    def __init__(self):
        self.forgotten = []

    async def restored(self, _task, table):
        if table:
            raise ValueError("unknown row")

    async def dropped(self, task):
        self.forgotten.append(task)


async def test_a_restore_a_listener_cannot_read_leaves_the_task_unowned_and_is_transient():
    changelog = MemoryChangelog()
    changelog.tables[Task("101", 0)] = {"parked/x": b"from a newer version"}
    table = StateTable("g", changelog)
    listener = Unreadable()
    table.listen(listener)
    with pytest.raises(TransientError):
        await table.assign([Task("101", 1), Task("101", 0)])
    assert not table.owns(Task("101", 0)), "never owned half-indexed"
    assert listener.forgotten == [Task("101", 0)]
    assert not table.assigned_once.is_set(), "not ready"
