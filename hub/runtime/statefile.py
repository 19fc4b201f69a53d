"""The hub's state directory: private files, and one hub process at a time.

State files (SQLite) hold personal data, so they are readable and writable by their owner
only. The delivery store's parking and the adapters' memories assume one writer: a second
hub process on the same directory would interleave with the first, so it is refused.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["StateDirInUseError", "private_file", "state_dir_lock"]

LOCK_NAME = "hub.lock"


class StateDirInUseError(RuntimeError):
    """Another hub process holds the state directory."""


def private_file(path: Path) -> Path:
    """Create ``path`` and its folder if missing, and make the file private (0600).

    SQLite gives its ``-wal`` and ``-shm`` files the main file's mode, so they are private
    too. An existing file is tightened as well: an older version may have created it open.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    path.chmod(0o600)
    return path


@contextmanager
def state_dir_lock(state_dir: Path) -> Iterator[None]:
    """Hold ``state_dir`` for this hub while the block runs; refuse it if another holds it.

    An advisory ``flock`` on ``hub.lock``: the kernel releases it when the process ends, so
    a killed hub never leaves a stale lock behind. The file names the holder's pid.
    """
    path = private_file(state_dir / LOCK_NAME)
    with path.open("r+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read().strip() or "unknown"
            msg = (
                f"the state directory {state_dir} is in use by another hub process "
                f"(pid {holder}); give each instance its own CASEHUB_STATE_DIR"
            )
            raise StateDirInUseError(msg) from None
        try:
            handle.truncate(0)
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
