"""The files left on an instance's disk are private (personal data); state is in Kafka."""

import pytest

from adapters.archive.parties import SqliteCaseParties
from adapters.digitalpost.sent import SentLetters
from adapters.statistics.memory import SqliteMemory
from hub.runtime.statefile import private_file

# The adapters' SQLite files, until their state moves to stores; the delivery store has
# none (tests/hub/delivery/test_units.py restores it from its changelog instead).
STORES = [SqliteCaseParties, SentLetters, SqliteMemory]


@pytest.mark.parametrize("store", STORES, ids=lambda s: s.__name__)
def test_a_new_state_file_is_private(tmp_path, store):
    path = tmp_path / "state" / "file.sqlite3"
    opened = store(path)
    try:
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        opened.close()


def test_an_existing_open_file_is_tightened(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    private_file(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_new_file_and_its_folder_are_made(tmp_path):
    path = private_file(tmp_path / "deep" / "er" / "file")
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
