"""A group's state table on its own: write-behind, restore, drop, ownership, stores."""

import asyncio

import pytest
from structlog.testing import capture_logs

from hub.runtime.errors import TransientError
from hub.runtime.state import (
    MemoryChangelog,
    StateTable,
    Store,
    Task,
    TaskMovedError,
    current_task,
    in_task,
)
from tests.state import owned_table

A, B = Task("101", 0), Task("101", 1)
ELSEWHERE = Task("147", 2)


class Listener:
    """Records what the table tells it, with a copy of each restored table."""

    def __init__(self):
        self.told = []

    async def restored(self, task, table):
        self.told.append(("restored", task, dict(table)))

    async def dropped(self, task):
        self.told.append(("dropped", task))


class SlowChangelog(MemoryChangelog):
    """A changelog whose write waits until the test lets it finish."""

    def __init__(self):
        super().__init__()
        self.writing = asyncio.Event()
        self.go_on = asyncio.Event()

    async def write(self, writes):
        self.writing.set()
        await self.go_on.wait()
        await super().write(writes)


class TestWriteBehind:
    async def test_a_write_changes_the_table_at_once_and_the_changelog_at_the_flush(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        table.put(A, "k", b"1")
        assert table.get(A, "k") == b"1"
        assert (changelog.writes, table.unflushed) == (0, 1)
        await table.flush()
        assert changelog.tables[A] == {"k": b"1"}
        assert table.unflushed == 0

    async def test_changes_to_one_key_go_as_its_latest_value_once(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        for n in range(10):
            table.put(A, "k", str(n).encode())
        table.put(A, "gone", b"x")
        table.delete(A, "gone")
        await table.flush()
        assert changelog.writes == 2, "one write per key, not per change"
        assert changelog.tables[A] == {"k": b"9"}

    async def test_a_removed_key_becomes_a_tombstone_and_a_key_never_written_none(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        table.put(A, "k", b"1")
        await table.flush()
        table.delete(A, "k")
        table.delete(A, "never")
        assert table.unflushed == 1
        await table.flush()
        assert changelog.tables[A] == {}
        assert (await owned_table(changelog=changelog, tasks=[A])).get(A, "k") is None

    async def test_a_change_made_while_a_flush_is_under_way_goes_with_the_next(self):
        changelog = SlowChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        table.put(A, "k", b"1")
        flushing = asyncio.create_task(table.flush())
        await changelog.writing.wait()
        table.put(A, "k", b"2")
        changelog.go_on.set()
        await flushing
        assert changelog.tables[A] == {"k": b"1"}
        assert table.unflushed == 1, "the later value is still to be sent"
        await table.flush()
        assert changelog.tables[A] == {"k": b"2"}

    async def test_a_failed_flush_keeps_every_change_for_the_next(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A, B])
        table.put(A, "k", b"1")
        table.put(B, "k", b"2")
        changelog.fail = True
        with pytest.raises(TransientError):
            await table.flush()
        assert table.unflushed == 2
        assert table.get(A, "k") == b"1", "the table itself keeps the change"
        changelog.fail = False
        await table.flush()
        again = await owned_table(changelog=changelog, tasks=[A, B])
        assert (again.get(A, "k"), again.get(B, "k")) == (b"1", b"2")

    async def test_closing_sends_what_is_pending(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        table.put(A, "k", b"1")
        await table.close()
        assert changelog.tables[A] == {"k": b"1"}

    async def test_a_close_that_cannot_send_says_so_and_still_closes(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        table.put(A, "k", b"1")
        changelog.fail = True
        with capture_logs() as logs:
            await table.close()
        assert [e["event"] for e in logs] == ["state_not_flushed_on_close"]


class TestOwnership:
    async def test_listeners_are_told_of_each_restored_and_dropped_task(self):
        changelog = MemoryChangelog()
        changelog.tables[A] = {"k": b"1"}
        table = StateTable("g", changelog)
        listener = Listener()
        table.listen(listener)
        await table.assign([A, B])
        await table.assign([A, B])  # already here: kept, not restored again
        assert sorted(listener.told) == [("restored", A, {"k": b"1"}), ("restored", B, {})]
        assert changelog.restores == 1
        await table.revoke([A])
        assert listener.told[-1] == ("dropped", A)
        assert table.tasks == {B}

    async def test_the_first_assignment_makes_the_group_ready_even_an_empty_one(self):
        table = StateTable("g", MemoryChangelog())
        assert not table.assigned_once.is_set()
        await table.assign([])  # more members than partitions: this one has none
        assert table.assigned_once.is_set()

    async def test_a_revoke_flushes_before_it_drops(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A, B])
        table.put(A, "k", b"1")
        await table.revoke([A])
        assert changelog.tables[A] == {"k": b"1"}
        assert not table.owns(A)

    async def test_a_revoke_whose_flush_fails_drops_the_task_and_its_changes(self):
        changelog = MemoryChangelog()
        table = await owned_table(changelog=changelog, tasks=[A])
        table.put(A, "k", b"1")
        changelog.fail = True
        with capture_logs() as logs:
            await table.revoke([A])
        assert "state_not_flushed_on_revoke" in [e["event"] for e in logs]
        assert (table.tasks, table.unflushed) == (frozenset(), 0)

    async def test_a_task_not_owned_here_refuses_every_use(self):
        table = await owned_table(tasks=[A])
        uses = [
            lambda: table.get(ELSEWHERE, "k"),
            lambda: table.put(ELSEWHERE, "k", b"1"),
            lambda: table.delete(ELSEWHERE, "k"),
            lambda: list(table.items(ELSEWHERE)),
        ]
        for use in uses:
            with pytest.raises(TaskMovedError, match=r"task 147/2 of g is not on this instance"):
                use()
        assert issubclass(TaskMovedError, TransientError), "its record is tried again"

    async def test_a_revoked_task_is_refused_as_well(self):
        table = await owned_table(tasks=[A])
        await table.revoke([A])
        with pytest.raises(TaskMovedError):
            table.put(A, "k", b"1")


class TestStore:
    async def test_stores_of_one_table_keep_their_keys_apart(self):
        table = await owned_table(tasks=[A])
        letters, parties = Store(table, "letters"), Store(table, "parties")
        letters.put("k", b"letter", task=A)
        parties.put("k", b"party", task=A)
        parties.put("k2", b"other", task=A)
        assert letters.get("k", task=A) == b"letter"
        assert dict(table.items(A)) == {
            "letters/k": b"letter",
            "parties/k": b"party",
            "parties/k2": b"other",
        }
        assert list(parties.items("k2", task=A)) == [("k2", b"other")]
        assert list(letters.items(task=A)) == [("k", b"letter")]
        letters.delete("k", task=A)
        assert parties.get("k", task=A) == b"party"

    async def test_a_store_uses_the_task_of_the_record_being_handled(self):
        table = await owned_table(tasks=[A, B])
        store = Store(table, "s")
        with in_task(B):
            assert current_task() == B
            store.put("k", b"in b")
        assert current_task() is None
        assert store.get("k", task=B) == b"in b"
        assert store.get("k", task=A) is None
        with in_task(A):
            assert store.get("k", task=B) == b"in b", "an explicit task wins"

    async def test_a_store_outside_a_record_without_a_task_refuses(self):
        store = Store(await owned_table(tasks=[A]), "s")
        with pytest.raises(TransientError, match="outside a record's task"):
            store.put("k", b"1")

    async def test_a_store_s_name_cannot_reach_into_another_store(self):
        with pytest.raises(ValueError, match="no '/'"):
            Store(await owned_table(tasks=[A]), "a/b")

    async def test_a_store_flush_makes_its_writes_durable(self):
        changelog = MemoryChangelog()
        store = Store(await owned_table(changelog=changelog, tasks=[A]), "s")
        store.put("k", b"1", task=A)
        await store.flush()
        assert changelog.tables[A] == {"s/k": b"1"}
        assert repr(store) == "Store('s', tasks=1)"
