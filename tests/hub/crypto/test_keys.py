"""The key directory: versions, 0600 files, one clear line for a file that cannot be used."""

import base64
import stat

import pytest

from hub.runtime.crypto import KEY_BYTES, KeyDirectory, KeyFileError


def test_rotation_adds_a_newest_version_and_keeps_the_old_ones(tmp_path):
    keys = KeyDirectory(tmp_path, rescan_s=0.0)
    first = keys.rotate("101")
    second = keys.rotate("101")
    assert (first.version, second.version) == (1, 2)
    assert keys.current("101") == second
    assert keys.kek("101", 1) == first
    assert keys.versions("101") == (1, 2)
    assert first.key != second.key
    assert len(first.key) == KEY_BYTES


def test_key_files_are_the_owners_only(tmp_path):
    KeyDirectory(tmp_path).rotate("101")
    for path in (tmp_path / "101").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_destroyed_version_is_gone_and_the_others_stay(tmp_path):
    keys = KeyDirectory(tmp_path, rescan_s=0.0)
    keys.rotate("101")
    keys.rotate("101")
    keys.destroy("101", 1)
    keys.destroy("101", 1)  # again: nothing to do
    assert keys.kek("101", 1) is None
    assert keys.versions("101") == (2,)
    assert not (tmp_path / "101" / "kek-1.key").exists()


def test_each_municipality_has_its_own_keys(tmp_path):
    keys = KeyDirectory(tmp_path)
    assert keys.rotate("101").key != keys.rotate("147").key
    assert keys.subject_key("101") != keys.subject_key("147")


def test_a_key_file_open_to_others_stops_the_hub_in_one_line(tmp_path):
    keys = KeyDirectory(tmp_path)
    keys.rotate("101")
    (tmp_path / "101" / "kek-1.key").chmod(0o644)
    with pytest.raises(KeyFileError) as caught:
        KeyDirectory(tmp_path).check(("101",))
    assert str(caught.value) == (
        "CASEHUB_ENCRYPTION: the key file kek-1.key is open to others (chmod 600 it)"
    )


def test_a_key_file_without_a_key_is_named_and_not_quoted(tmp_path):
    KeyDirectory(tmp_path).rotate("101")
    path = tmp_path / "101" / "subject.key"
    path.write_bytes(base64.b64encode(b"short-secret-value"))
    with pytest.raises(KeyFileError) as caught:
        KeyDirectory(tmp_path).check(("101",))
    message = str(caught.value)
    assert message.startswith("CASEHUB_ENCRYPTION: the key file subject.key")
    assert "short" not in message
    assert "\n" not in message


def test_a_municipality_without_a_key_is_named(tmp_path):
    with pytest.raises(
        KeyFileError, match="CASEHUB_ENCRYPTION: no key-encryption key for municipality 147"
    ):
        KeyDirectory(tmp_path).check(("147",))


def test_the_key_table_is_readable_by_the_hub_only():
    from hub.compose.grants import HUB_USER, plan_principals
    from hub.runtime.crypto import KEY_TABLE
    from routing.topics import global_topic

    name = global_topic(f"casehub.{KEY_TABLE}", "101")

    def covers(grant):
        if grant.resource != "topic" or "Read" not in grant.operations:
            return False
        return name == grant.name if grant.pattern == "literal" else name.startswith(grant.name)

    allowed = {p.name for p in plan_principals(["101", "147"]) if any(map(covers, p.grants))}
    assert allowed == {HUB_USER}  # provisioning creates it but reads no record
