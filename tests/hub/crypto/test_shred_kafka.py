"""``casehub keys shred`` refuses what would destroy other subjects' data keys (real broker)."""

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from hub.cli.keys_ops import KeyPlace, ShredRefusedError, rotate, shred
from hub.compose.app import global_table
from hub.runtime.crypto import KEY_TABLE, DataKeys, KeyDirectory, case_subject, child_subject
from hub.runtime.provision import ensure_topics
from hub.runtime.state import GlobalTable
from routing.topics import AUDIT_DOMAIN, global_topic, topic
from tests.people import CHILD

pytestmark = pytest.mark.kafka

QUICK = {"settle_s": 0.2, "rescan_s": 0.2, "mount_refresh_s": 0.0}


@pytest.fixture
def key_dir(tmp_path):
    return tmp_path / "keys"


def place_of(settings, key_dir, group_prefix=None):
    return KeyPlace(settings.kafka, key_dir, group_prefix or settings.group_prefix)


async def topics_of(kafka):
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def a_data_key(settings, key_dir, code, name):
    """A hub's data key for ``name``, in the key table (wrapped under the newest KEK)."""
    table = global_table(settings, KEY_TABLE)
    await table.start()
    try:
        keys = DataKeys(table, KeyDirectory(key_dir, rescan_s=0.0))
        await keys.current(code, keys.subject(code, name))
    finally:
        await table.close()


async def test_a_group_prefix_without_a_key_topic_is_refused_and_nothing_is_made(
    hub_settings, key_dir, test_broker
):
    settings = hub_settings
    code = settings.municipalities[0]
    keys = KeyDirectory(key_dir)
    keys.rotate(code)
    wrong = f"{settings.group_prefix}.typo"
    with pytest.raises(ShredRefusedError, match="no key topic"):
        await shred(
            place_of(settings, key_dir, wrong), code, [child_subject(CHILD)], reason="erasure E-1",
            operator="tester", **QUICK,
        )  # fmt: skip
    with pytest.raises(ShredRefusedError, match="no key topic"):
        await rotate(place_of(settings, key_dir, wrong), code, rewrap=True)
    assert keys.versions(code) == (1,)  # no KEK made, none destroyed
    topics = await topics_of(test_broker.admin)
    assert global_topic(f"{wrong}.{KEY_TABLE}", code) not in topics
    # A key topic that exists under that prefix but holds no data key: refused as well.
    empty = GlobalTable(settings.kafka, f"{wrong}.{KEY_TABLE}", (code,), replication=1,
                        max_record_bytes=1_048_588)  # fmt: skip
    await empty.start()
    await empty.close()
    with pytest.raises(ShredRefusedError, match="holds no data key"):
        await shred(
            place_of(settings, key_dir, wrong), code, [child_subject(CHILD)], reason="erasure E-1",
            operator="tester", **QUICK,
        )  # fmt: skip
    assert keys.versions(code) == (1,)


async def test_old_keks_stay_while_a_data_key_is_still_wrapped_under_one(
    hub_settings, key_dir, monkeypatch
):
    settings = hub_settings
    code = settings.municipalities[0]
    keys = KeyDirectory(key_dir)
    keys.rotate(code)
    await ensure_topics(settings.kafka, [topic(AUDIT_DOMAIN, code)], partitions=1, replication=1)
    await a_data_key(settings, key_dir, code, case_subject("C-OTHER-1"))

    async def missed(_self, _municipality):
        return 0, 0  # as a hub's key made after the sweep: still under v1

    monkeypatch.setattr(DataKeys, "rewrap", missed)
    with pytest.raises(ShredRefusedError, match="still wrapped under a KEK version"):
        await shred(
            place_of(settings, key_dir), code, [child_subject(CHILD)], reason="erasure E-2",
            operator="tester", **QUICK,
        )  # fmt: skip
    assert keys.versions(code) == (1, 2)  # v1 still unwraps the other subject's key
    monkeypatch.undo()
    done = await shred(
        place_of(settings, key_dir), code, [child_subject(CHILD)], reason="erasure E-2",
        operator="tester", **QUICK,
    )  # fmt: skip
    assert done.rewrapped == 1
    assert keys.versions(code) == (done.version,)
