"""The outcomes component's summaries, sealed in its changelog and shredded with the child.

A hub with field encryption and the outcomes component folds two children's cases; its
changelog, read raw with the broker's admin principal, holds no CPR number and no summary in
clear. The summaries open with the hub's keys; after the child and its case are shredded,
the extract's reader skips that case's summary (counted) and reads the other's.
"""

import datetime as dt

import pytest

from contracts.binding import to_kafka
from contracts.decision import MeasureKind
from hub.cli.keys_ops import KeyPlace, shred
from hub.components.outcomes.history import read_history
from hub.components.outcomes.model import FOLDED
from hub.components.outcomes.state import read_summaries
from hub.compose.app import create_app, global_table
from hub.runtime.crypto import (
    KEY_HEADER,
    KEY_TABLE,
    SEALED_PREFIX,
    DataKeys,
    EncryptionSettings,
    KeyDirectory,
    case_subject,
    child_subject,
)
from hub.runtime.serve import serving
from routing.topics import changelog_topic, topic, topic_for
from tests.components.outcomes.history import FAMILY_TREATMENT, case_history
from tests.kafka import produce, read_topic, wait_until_consumed
from tests.people import CHILD, cpr_for

pytestmark = pytest.mark.kafka

OTHER_CHILD = cpr_for(dt.date(2015, 5, 1), 321)


async def summaries_now(settings, code):
    table = global_table(settings, KEY_TABLE)
    await table.start()
    try:
        keys = DataKeys(table, KeyDirectory(settings.encryption.key_dir, rescan_s=0.0))
        return await read_summaries(
            settings.kafka, f"{settings.group_prefix}.outcomes", [code], keys=keys
        )
    finally:
        await table.close()


async def history_now(settings, code):
    """The extract's ``--source history`` reader with the hub's keys."""
    table = global_table(settings, KEY_TABLE)
    await table.start()
    try:
        keys = DataKeys(table, KeyDirectory(settings.encryption.key_dir, rescan_s=0.0))
        return await read_history(settings.kafka, [code], keys=keys)
    finally:
        await table.close()


async def test_summaries_are_sealed_and_a_shredded_one_is_skipped(
    hub_settings, tmp_path, test_broker
):
    encryption = EncryptionSettings(key_dir=tmp_path / "keys", personal=True, rescan_s=0.2)
    settings = hub_settings.model_copy(
        update={"outcomes": True, "deadlines": None, "encryption": encryption}
    )
    code = settings.municipalities[0]
    KeyDirectory(encryption.key_dir).rotate(code)
    plain = case_history(code, "case-e", CHILD, MeasureKind.FAMILY_TREATMENT, FAMILY_TREATMENT,
                         before=3, after=7, ended=False)  # fmt: skip
    # The other child's history as the hub itself would publish it: sealed.
    sealed = case_history(code, "case-o", OTHER_CHILD, MeasureKind.FAMILY_TREATMENT,
                          FAMILY_TREATMENT, before=4, after=6, ended=True)  # fmt: skip
    group = f"{settings.group_prefix}.outcomes"
    app = create_app(settings)
    keyed = 0  # the sealed history's records that carry a sealed field (and so a key id)
    async with serving(app):
        for event in [*plain, *sealed]:
            record = to_kafka(event)
            if event in sealed:
                record = await app.state.crypto.seal(event, record)
                keyed += KEY_HEADER in dict(record.headers)
            await produce(settings.kafka, topic_for(event), record.value, key=record.key,
                          headers=record.headers)  # fmt: skip
        domains = sorted({c.domain for c in FOLDED})
        await wait_until_consumed(settings.kafka, group, [topic(d, code) for d in domains])
    changelog = await read_topic(test_broker.admin, changelog_topic(group, code))
    rows = [r for r in changelog if r.key and r.key.startswith(b"outcomes/case/") and r.value]
    assert rows  # the component wrote its summaries
    assert all(r.value.startswith(SEALED_PREFIX.encode()) for r in rows)
    for record in changelog:
        assert CHILD.encode() not in (record.value or b"")
        assert OTHER_CHILD.encode() not in (record.value or b"")
        assert b"case-e-m1" not in (record.value or b"")  # no measure in clear either

    history = await history_now(settings, code)  # the sealed records opened
    assert {e.envelope.id for e in sealed} <= {e.envelope.id for e in history.events}
    assert history.skipped == 0
    unopened = await read_history(settings.kafka, [code])  # without keys: skipped, counted
    assert unopened.skipped == keyed > 0

    before = await summaries_now(settings, code)
    assert before.cases[code, "case-e"].child == CHILD
    assert before.cases[code, "case-o"].child == OTHER_CHILD

    place = KeyPlace(settings.kafka, encryption.key_dir, settings.group_prefix)
    await shred(
        place, code, [child_subject(CHILD), case_subject("case-e")], reason="erasure E-9",
        operator="tester", settle_s=0.2, rescan_s=0.2, mount_refresh_s=0.0,
    )  # fmt: skip
    after = await summaries_now(settings, code)
    assert (code, "case-e") not in after.cases
    assert after.shredded == 1
    assert after.cases[code, "case-o"].child == OTHER_CHILD
