"""The state directory: its files are private (personal data), and one hub holds it at a time."""

import os
import signal
import subprocess
import sys

import pytest

from adapters.archive.parties import SqliteCaseParties
from adapters.digitalpost.sent import SentLetters
from adapters.statistics.memory import SqliteMemory
from hub.compose.app import create_app
from hub.runtime.delivery import DeliveryStore
from hub.runtime.serve import StartupFailedError, serving
from hub.runtime.statefile import StateDirInUseError, private_file, state_dir_lock

STORES = [DeliveryStore, SqliteCaseParties, SentLetters, SqliteMemory]


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


def test_one_hub_at_a_time_holds_the_state_directory(tmp_path):
    with (
        state_dir_lock(tmp_path),
        pytest.raises(
            StateDirInUseError, match=rf"in use by another hub process \(pid {os.getpid()}\)"
        ),
        state_dir_lock(tmp_path),
    ):
        pass
    with state_dir_lock(tmp_path):  # released at the end of the block
        pass


def test_a_killed_hub_leaves_no_stale_lock(tmp_path):
    holder = subprocess.run(
        [sys.executable, "-c", HOLD_AND_DIE, str(tmp_path)], check=False, timeout=30
    )
    assert holder.returncode == -signal.SIGKILL
    with state_dir_lock(tmp_path):
        pass


HOLD_AND_DIE = """
import os, signal, sys
from pathlib import Path
from hub.runtime.statefile import state_dir_lock
with state_dir_lock(Path(sys.argv[1])):
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.kafka
async def test_a_second_hub_on_the_same_state_directory_does_not_start(hub_settings):
    async with serving(create_app(hub_settings)):
        with pytest.raises(StartupFailedError):
            async with serving(create_app(hub_settings)):
                pass
