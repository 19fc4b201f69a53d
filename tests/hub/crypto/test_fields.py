"""Field encryption offline: sealed where published, opened before validation, bound by AAD."""

import asyncio
import datetime as dt
import json

import pytest

from contracts.binding import to_kafka
from contracts.cpr import Cpr
from hub.runtime.crypto import (
    KEY_HEADER,
    SEALED_PREFIX,
    DataKeys,
    FieldCrypto,
    FieldTamperedError,
    KeyDirectory,
    KeyFileError,
    KeyReadError,
    KeyShreddedError,
    KeyUnavailableError,
    child_subject,
)
from hub.runtime.errors import ContractError, PermanentError, TransientError
from tests.factories import notification_event
from tests.hub.crypto.memory import crypto_on
from tests.people import CHILD, cpr_for

OTHER_CHILD = cpr_for(dt.date(2015, 5, 1), 321)
SUMMARY = "The child said the stepfather hits her."


def event_of(child=CHILD, municipality="101", **changes):
    return notification_event(municipality, child_cpr=child, summary=SUMMARY, **changes)


async def sealed(crypto, event):
    return await crypto.seal(event, to_kafka(event))


def headers_of(record):
    return dict(record.headers)


async def test_sensitive_fields_travel_sealed_and_come_back_equal(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    event = event_of()
    record = await sealed(crypto, event)
    data = json.loads(record.value)
    for name in ("summary", "reasons", "acute"):
        assert data[name].startswith(SEALED_PREFIX)
    assert SUMMARY.encode() not in record.value
    assert b"neglect" not in record.value
    assert data["child_cpr"] == CHILD  # personal: plain unless configured
    assert headers_of(record)[KEY_HEADER].startswith(b"101.")
    assert crypto.decode(record.headers, record.value) == event


async def test_personal_fields_are_sealed_where_configured(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101", personal=True)
    event = event_of()
    record = await sealed(crypto, event)
    assert CHILD.encode() not in record.value
    assert b"Test School" not in record.value  # the notifier: personal
    assert CHILD.encode() not in b"".join(v for _, v in record.headers)
    assert crypto.decode(record.headers, record.value) == event


async def test_a_record_without_a_key_header_is_validated_as_it_is(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    event = event_of()
    plain = to_kafka(event)
    assert crypto.decode(plain.headers, plain.value) == event


async def test_a_subject_keeps_its_data_key_and_two_children_have_two(tmp_path):
    crypto, _, table = crypto_on(tmp_path, "101")
    first = headers_of(await sealed(crypto, event_of()))[KEY_HEADER]
    again = headers_of(await sealed(crypto, event_of()))[KEY_HEADER]
    other = headers_of(await sealed(crypto, event_of(OTHER_CHILD)))[KEY_HEADER]
    assert first == again != other
    assert len([k for k, _ in table.items("101") if k.startswith("dek/")]) == 2
    assert CHILD.encode() not in first  # the subject is a pseudonym
    assert crypto.keys.subject("101", child_subject(CHILD)).encode() in first


async def test_a_record_about_no_child_has_its_cases_key(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    unborn = notification_event(
        "101", child_cpr=None, unborn=True, mother_cpr=CHILD, summary=SUMMARY
    )
    record = await sealed(crypto, unborn)
    assert crypto.decode(record.headers, record.value) == unborn
    case_key = headers_of(record)[KEY_HEADER]
    child_key = headers_of(await sealed(crypto, event_of()))[KEY_HEADER]
    assert case_key != child_key


async def test_a_sealed_value_moved_to_another_record_does_not_open(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    one, two = await sealed(crypto, event_of()), await sealed(crypto, event_of())
    moved = json.loads(two.value)
    moved["summary"] = json.loads(one.value)["summary"]  # same key, another event id
    with pytest.raises(FieldTamperedError, match=r"^field_tampered: data\.summary "):
        crypto.decode(two.headers, json.dumps(moved).encode())


async def test_a_sealed_value_moved_to_another_field_does_not_open(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    record = await sealed(crypto, event_of())
    data = json.loads(record.value)
    data["summary"], data["acute"] = data["acute"], data["summary"]
    with pytest.raises(FieldTamperedError):
        crypto.decode(record.headers, json.dumps(data).encode())


async def test_a_changed_ciphertext_does_not_open(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    record = await sealed(crypto, event_of())
    data = json.loads(record.value)
    text = data["summary"]
    data["summary"] = text[:-6] + ("AAAA" if text[-6:-2] != "AAAA" else "BBBB") + text[-2:]
    with pytest.raises(FieldTamperedError):
        crypto.decode(record.headers, json.dumps(data).encode())


async def test_a_record_claiming_another_municipality_does_not_open(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101", "147")
    record = await sealed(crypto, event_of())
    forged = [(n, b"147" if n == "ce_municipality" else v) for n, v in record.headers]
    with pytest.raises(FieldTamperedError, match="ce_keyid"):
        crypto.decode(forged, record.value)
    # A key id rewritten to 147 names no key of 147's table.
    renamed = [(n, v.replace(b"101.", b"147.", 1) if n == KEY_HEADER else v) for n, v in forged]
    with pytest.raises(KeyUnavailableError):
        crypto.decode(renamed, record.value)


async def test_a_shredded_childs_records_cannot_be_opened_and_anothers_can(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    mine, theirs = event_of(), event_of(OTHER_CHILD)
    my_record, their_record = await sealed(crypto, mine), await sealed(crypto, theirs)
    subject = crypto.keys.subject("101", child_subject(CHILD))
    assert await crypto.keys.shred("101", subject) == 1
    with pytest.raises(KeyShreddedError, match=r"^key_shredded: ") as caught:
        crypto.decode(my_record.headers, my_record.value)
    assert isinstance(caught.value, PermanentError)
    assert crypto.decode(their_record.headers, their_record.value) == theirs
    # A record published for the child afterwards gets a new key: readable again.
    later = event_of()
    later_record = await sealed(crypto, later)
    assert headers_of(later_record)[KEY_HEADER] != headers_of(my_record)[KEY_HEADER]
    assert crypto.decode(later_record.headers, later_record.value) == later


async def test_an_unknown_data_key_is_transient(tmp_path):
    crypto, _, table = crypto_on(tmp_path, "101")
    record = await sealed(crypto, event_of())
    table.rows.clear()  # as a fresh instance whose table tail has not read the key yet
    with pytest.raises(KeyUnavailableError, match=r"^key_unavailable: ") as caught:
        crypto.decode(record.headers, record.value)
    assert isinstance(caught.value, TransientError)


async def test_records_before_and_after_a_rotation_stay_readable(tmp_path):
    crypto, provider, table = crypto_on(tmp_path, "101")
    before = event_of()
    old = await sealed(crypto, before)
    provider.rotate("101")
    after = event_of()
    new = await sealed(crypto, after)
    assert headers_of(old)[KEY_HEADER] != headers_of(new)[KEY_HEADER]  # a new data key
    versions = sorted(json.loads(v)["kek"] for k, v in table.items("101") if k.startswith("dek/"))
    assert versions == [1, 2]
    assert crypto.decode(old.headers, old.value) == before
    assert crypto.decode(new.headers, new.value) == after
    # Rewrapped under v2, the old version can go and both stay readable.
    assert await crypto.keys.rewrap("101") == (1, 0)
    provider.destroy("101", 1)
    fresh = FieldCrypto(DataKeys(table, provider))  # a new instance: nothing cached
    assert fresh.decode(old.headers, old.value) == before
    assert fresh.decode(new.headers, new.value) == after


async def test_a_shredded_key_cannot_be_unwrapped_from_the_log_once_the_kek_is_retired(tmp_path):
    crypto, provider, table = crypto_on(tmp_path, "101")
    await sealed(crypto, event_of())
    await sealed(crypto, event_of(OTHER_CHILD))
    subject = crypto.keys.subject("101", child_subject(CHILD))
    await crypto.keys.shred("101", subject)
    kek = provider.rotate("101")
    await crypto.keys.rewrap("101")
    provider.destroy("101", 1)
    # Every copy of the child's wrapped key the log still holds, tried with every KEK left.
    copies = [v for _, k, v in table.log if k.startswith(f"dek/{subject}/") and v is not None]
    assert copies
    for copy in copies:
        version = json.loads(copy)["kek"]
        assert provider.kek("101", version) is None
    assert provider.versions("101") == (kek.version,)


async def test_garbage_in_place_of_a_sealed_value_is_tampering_not_a_crash(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    record = await sealed(crypto, event_of())
    data = json.loads(record.value)
    data["summary"] = SEALED_PREFIX + "%%%not base64"
    with pytest.raises(FieldTamperedError):
        crypto.decode(record.headers, json.dumps(data).encode())
    with pytest.raises(ContractError):
        crypto.decode(record.headers, b"not json")


def test_the_crypto_and_its_keys_show_no_key_in_repr(tmp_path):
    crypto, _, _ = crypto_on(tmp_path, "101")
    kek = crypto.keys._provider.current("101")
    assert repr(kek.key) not in repr(kek)
    assert str(tmp_path) not in repr(crypto.keys._provider)
    assert Cpr(CHILD).reveal() not in repr(crypto)


async def test_concurrent_records_of_a_new_subject_share_one_new_data_key(tmp_path):
    crypto, _, table = crypto_on(tmp_path, "101")
    records = await asyncio.gather(*(sealed(crypto, event_of()) for _ in range(20)))
    assert len({headers_of(r)[KEY_HEADER] for r in records}) == 1
    assert len([k for k, _ in table.items("101") if k.startswith("dek/")]) == 1


async def test_a_key_file_that_cannot_be_read_at_open_time_is_retried_not_quarantined(tmp_path):
    crypto, _, table = crypto_on(tmp_path, "101")
    record = await sealed(crypto, event_of())
    kek = tmp_path / "101" / "kek-1.key"
    kek.unlink()
    kek.mkdir(mode=0o700)  # reading it is an I/O error (IsADirectoryError), as a bad mount
    fresh = FieldCrypto(DataKeys(table, KeyDirectory(tmp_path, rescan_s=0.0)))
    with pytest.raises(KeyReadError) as caught:
        fresh.decode(record.headers, record.value)
    assert isinstance(caught.value, TransientError)
    with pytest.raises(KeyFileError) as started:  # at start: one line, the hub stops
        KeyDirectory(tmp_path).check(("101",))
    assert str(started.value) == (
        "CASEHUB_ENCRYPTION: cannot read the key file kek-1.key (IsADirectoryError)"
    )
