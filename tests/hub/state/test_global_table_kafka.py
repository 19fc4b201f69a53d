"""The global table on the real broker: every instance sees every record, after its tail.

Two tables of one group stand for two hub instances; each test has its own municipality,
so its own global topic. Waits are on conditions (what a table has read), never on time.
"""

import asyncio
import contextlib
import uuid

import pytest

from hub.runtime.errors import TransientError
from hub.runtime.state import GlobalTable
from tests.kafka import WITHIN_S, end_offsets

pytestmark = pytest.mark.kafka


async def until(condition):
    async with asyncio.timeout(WITHIN_S):
        while not condition():
            await asyncio.sleep(0.05)


@pytest.fixture
def group(hub_settings):
    return f"{hub_settings.group_prefix}.g-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def code(hub_settings):
    return str(hub_settings.municipalities[0])


@contextlib.asynccontextmanager
async def instance(settings, group):
    """One instance's global table, caught up (``start`` returned)."""
    table = GlobalTable(
        settings.kafka,
        group,
        settings.municipalities,
        replication=settings.topic_replication,
        max_record_bytes=settings.max_record_bytes,
    )
    try:
        await table.start()
        yield table
    finally:
        await table.close()


async def test_two_instances_see_each_others_puts_and_deletes(hub_settings, group, code):
    async with instance(hub_settings, group) as a, instance(hub_settings, group) as b:
        a.put(code, "from-a", b"1")
        b.put(code, "from-b", b"2")
        assert a.get(code, "from-a") == b"1"  # at once, before the flush
        assert b.get(code, "from-a") is None
        await a.flush()
        await b.flush()
        await until(lambda: b.get(code, "from-a") == b"1" and a.get(code, "from-b") == b"2")
        a.delete(code, "from-b")
        assert a.get(code, "from-b") is None
        await a.flush()
        await until(lambda: b.get(code, "from-b") is None)
        assert b.get(code, "from-a") == b"1"


async def test_an_instance_started_later_has_every_latest_value_once_caught_up(
    hub_settings, group, code
):
    async with instance(hub_settings, group) as a:
        for key in ("kept", "deleted", "changed"):
            a.put(code, key, b"first")
        await a.flush()
        a.delete(code, "deleted")
        a.put(code, "changed", b"second")
        await a.flush()
    async with instance(hub_settings, group) as restarted:
        # No wait: start returns once the topic is read to the end it had.
        assert restarted.ready
        assert restarted.get(code, "kept") == b"first"
        assert restarted.get(code, "deleted") is None
        assert restarted.get(code, "changed") == b"second"


async def test_a_failed_flush_keeps_its_changes_for_the_next(hub_settings, group, code):
    async with instance(hub_settings, group) as a, instance(hub_settings, group) as b:
        a.put(code, "before", b"0")
        await a.flush()  # the producer is up
        await a._log._producer.stop()  # the connection is gone under it
        a.put(code, "key", b"value")
        with pytest.raises(TransientError, match="global table write"):
            await a.flush()
        assert a.unflushed == 1
        assert a.get(code, "key") == b"value"
        await a.flush()  # a new producer sends what was kept
        assert a.unflushed == 0
        await until(lambda: b.get(code, "key") == b"value")


async def test_an_own_change_is_not_undone_by_reading_back_an_older_one(hub_settings, group, code):
    async with instance(hub_settings, group) as a, instance(hub_settings, group) as b:
        a.put(code, "key", b"old")
        await a.flush()
        a.put(code, "key", b"new")  # not flushed yet
        (end,) = (await end_offsets(hub_settings.kafka, [a.topic(code)])).values()
        await until(lambda: a._read_to[code] >= end)  # "old" was read back
        assert a.get(code, "key") == b"new"
        await a.flush()
        await until(lambda: b.get(code, "key") == b"new" and not a._own)
        assert a.get(code, "key") == b"new"
