"""Field encryption on the real, secured broker: round trip, rotation, shredding, tampering.

One hub runs with ``CASEHUB_ENCRYPTION`` on (personal fields too) and a sink component that
keeps every notification it is handed. What reaches the topics is read raw with the broker's
admin principal: no sensitive value of a child is ever there in clear, and once the child's
key is shredded, no copy of its fields can be opened by anyone, with any KEK left.
"""

import asyncio
import base64
import datetime as dt
import json
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.registry import COMPONENTS
from contracts.binding import to_kafka
from contracts.intake import NotificationReceived
from contracts.operations import AuditActionV3
from hub.cli.keys_ops import KeyPlace, decrypt, shred
from hub.compose.app import create_app, global_table
from hub.runtime.component import Component
from hub.runtime.crypto import (
    KEY_HEADER,
    KEY_TABLE,
    DataKeys,
    EncryptionSettings,
    FieldCrypto,
    KeyDirectory,
    KeyShreddedError,
    child_subject,
)
from hub.runtime.serve import serving
from routing.routes import Route, default_routes
from routing.topics import AUDIT_DOMAIN, changelog_topic, global_topic, quarantine_topic, topic
from tests.factories import notification_event
from tests.kafka import produce, read_topic, wait_for_records
from tests.people import CHILD, cpr_for

pytestmark = pytest.mark.kafka

OTHER_CHILD = cpr_for(dt.date(2015, 5, 1), 321)
SINK = "sink"


def summary_of(child, n):
    return f"Synthetic concern {n} about child {child[-4:]}x{n}."


def event_for(municipality, child, n):
    return notification_event(municipality, child_cpr=child, summary=summary_of(child, n))


def keyid(record):
    return dict(record.headers).get(KEY_HEADER, b"").decode()


def reason(record):
    return dict(record.headers)["quarantine_reason"].decode()


async def until(condition, within=30.0):
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.1)


@pytest.fixture
def settings(hub_settings, tmp_path):
    route = Route(consumer=SINK, event_types=frozenset({NotificationReceived.event_type}))
    encryption = EncryptionSettings(key_dir=tmp_path / "keys", personal=True, rescan_s=0.2)
    return hub_settings.model_copy(
        update={"routes": (*default_routes(COMPONENTS), route), "encryption": encryption}
    )


async def fresh_reader(settings):
    """A new instance's view: the key table read from the topic, nothing cached."""
    table = global_table(settings, KEY_TABLE)
    await table.start()
    keys = DataKeys(table, KeyDirectory(settings.encryption.key_dir, rescan_s=0.0))
    return FieldCrypto(keys, personal=True), table


def opens(crypto, record):
    return crypto.decode(list(record.headers), record.value)


async def test_fields_are_sealed_rotated_and_shredded_on_the_bus(settings, test_broker):  # noqa: PLR0915 - one hub, the whole story
    code = settings.municipalities[0]
    keys = KeyDirectory(settings.encryption.key_dir)
    keys.rotate(code)
    seen: dict[str, NotificationReceived] = {}

    async def keep(event):
        seen[event.envelope.id] = event.data

    intake = topic("intake", code)
    app = create_app(settings, extra=[Component(SINK, keep, consumes=(NotificationReceived,))])
    mine_1, theirs_1 = event_for(code, CHILD, 1), event_for(code, OTHER_CHILD, 1)
    mine_2, mine_3, theirs_2 = (
        event_for(code, CHILD, 2),
        event_for(code, CHILD, 3),
        event_for(code, OTHER_CHILD, 2),
    )
    plain = event_for(code, OTHER_CHILD, 4)
    async with serving(app):
        events, crypto = app.state.events, app.state.crypto
        # Round trip: published sealed, handed to the component opened and validated.
        await events.publish(mine_1)
        await events.publish(theirs_1)
        # A case system's record travels plain and is handled as before.
        record = to_kafka(plain)
        await produce(settings.kafka, intake, record.value, key=record.key, headers=record.headers)
        await until(
            lambda: {mine_1.envelope.id, theirs_1.envelope.id, plain.envelope.id} <= set(seen)
        )
        assert seen[mine_1.envelope.id] == mine_1.data
        assert seen[theirs_1.envelope.id] == theirs_1.data
        assert seen[plain.envelope.id] == plain.data

        # Rotation: a new KEK version; the child's next record gets a new data key under it.
        keys.rotate(code)
        await asyncio.sleep(0.3)  # the hub's rescan
        await events.publish(mine_2)
        await until(lambda: mine_2.envelope.id in seen)
        raw = {r.value: r for r in await read_topic(test_broker.admin, intake)}
        sealed = [r for r in raw.values() if keyid(r)]
        assert len(sealed) == 3
        by_id = {dict(r.headers)["ce_id"].decode(): r for r in sealed}
        assert keyid(by_id[mine_1.envelope.id]) != keyid(by_id[mine_2.envelope.id])
        reader, table = await fresh_reader(settings)
        try:  # records before and after the rotation, both readable by a new instance
            assert opens(reader, by_id[mine_1.envelope.id]).data == mine_1.data
            assert opens(reader, by_id[mine_2.envelope.id]).data == mine_2.data
        finally:
            await table.close()

        # An operator's decryption: audited first, then the fields opened.
        place = KeyPlace(settings.kafka, settings.encryption.key_dir, settings.group_prefix)
        first = by_id[mine_1.envelope.id]
        ref = f"{first.topic}:{first.partition}:{first.offset}"
        opened = await decrypt(place, code, ref, reason="appeal A-9", operator="tester")
        assert json.loads(opened)["summary"] == summary_of(CHILD, 1)

        # Tamper: a sealed value under another event id is refused, never handled.
        theirs_raw = by_id[theirs_1.envelope.id]
        moved = str(uuid.uuid4())  # an event id no record has
        forged = [(n, moved.encode() if n == "ce_id" else v) for n, v in theirs_raw.headers]
        await produce(settings.kafka, intake, theirs_raw.value, key=theirs_raw.key, headers=forged)

        # A record of the child sealed now, delivered after the shred (as one in flight).
        late = await crypto.seal(mine_3, to_kafka(mine_3))
        subject = crypto.keys.subject(code, child_subject(CHILD))
        done = await shred(
            place, code, [child_subject(CHILD)], reason="erasure request E-17", operator="tester",
            settle_s=0.5, rescan_s=0.2, mount_refresh_s=0.0,
        )  # fmt: skip
        assert done.data_keys == 2
        assert keys.versions(code) == (done.version,)
        await until(lambda: crypto.keys.shredded(code, subject))
        await produce(settings.kafka, intake, late.value, key=late.key, headers=late.headers)
        await events.publish(theirs_2)  # another child's records flow
        await until(lambda: theirs_2.envelope.id in seen)
        quarantined = await wait_for_records(
            test_broker.admin,
            quarantine_topic(intake),
            lambda r: dict(r.headers)["quarantine_group"].decode().endswith(f".{SINK}"),
            count=2,
        )
    assert moved not in seen
    assert mine_3.envelope.id not in seen
    reasons = {dict(r.headers)["ce_id"].decode(): reason(r) for r in quarantined}
    assert reasons[mine_3.envelope.id] == "key_shredded: the subject's data key was destroyed"
    assert reasons[moved].startswith("field_tampered: data.")

    # The shredding test: read everything raw, as the admin, and try with every KEK left.
    topic_records = await read_topic(test_broker.admin, intake)
    quarantine_records = await read_topic(test_broker.admin, quarantine_topic(intake))
    key_records = await read_topic(
        test_broker.admin, global_topic(f"{settings.group_prefix}.{KEY_TABLE}", code)
    )
    # The sink's changelog: its delivery store (processed ids, parked records as their bytes).
    changelog = await read_topic(
        test_broker.admin, changelog_topic(f"{settings.group_prefix}.{SINK}", code)
    )
    assert changelog  # it was written (the processed ids at least)
    everything = [*topic_records, *quarantine_records, *key_records, *changelog]
    for n in (1, 2, 3):
        text = summary_of(CHILD, n).encode()
        assert not any(text in (r.value or b"") for r in everything)
    assert not any(CHILD.encode() in (r.value or b"") + b"".join(v for _, v in r.headers)
                   for r in everything)  # fmt: skip
    mine = [r for r in [*topic_records, *quarantine_records] if f".{subject}." in keyid(r)]
    assert len(mine) >= 4  # three on the topic, the late one in the quarantine too
    reader, table = await fresh_reader(settings)
    try:
        for record in mine:
            with pytest.raises(KeyShreddedError):
                opens(reader, record)
        theirs = [r for r in topic_records if keyid(r) and f".{subject}." not in keyid(r)]
        readable = {
            opens(reader, r).envelope.id
            for r in theirs
            if moved.encode() not in dict(r.headers).values()
        }
        assert {theirs_1.envelope.id, theirs_2.envelope.id} <= readable
    finally:
        await table.close()
    prefix = f"dek/{subject}/"
    copies = [
        (r.key.decode()[len(prefix) :], json.loads(r.value))
        for r in key_records
        if r.key.decode().startswith(prefix) and r.value
    ]
    assert len(copies) == 2  # still in the log (the cleaner has not run): wrapped under dead KEKs
    left = [kek for v in keys.versions(code) if (kek := keys.kek(code, v)) is not None]
    for key_id, row in copies:
        wrapped = base64.b64decode(row["key"])
        for kek in left:
            for version in {row["kek"], kek.version}:
                aad = f"casehub-dek-v1|{code}|{subject}|{key_id}|{version}".encode()
                with pytest.raises(InvalidTag):
                    AESGCM(kek.key).decrypt(wrapped[:12], wrapped[12:], aad)

    with pytest.raises(KeyShreddedError):
        await decrypt(place, code, ref, reason="appeal A-9", operator="tester")

    # The shred and each decryption were audited first, naming the child by reference only.
    audit = [
        json.loads(r.value) for r in await read_topic(test_broker.admin, topic(AUDIT_DOMAIN, code))
    ]
    shreds = [a for a in audit if a["action"] == AuditActionV3.KEY_SHRED.value]
    assert [(a["subject_ref"], a["reason"]) for a in shreds] == [
        (f"subject:{subject}", "erasure request E-17")
    ]
    reads = [a for a in audit if a["action"] == AuditActionV3.DECRYPTION.value]
    assert [(a["subject_ref"], a["reason"]) for a in reads] == [
        (f"event:{mine_1.envelope.id}", "appeal A-9")
    ] * 2
