"""Local files of the hub that hold personal data: private to their owner.

State is in Kafka (``hub.runtime.state``); what is left on an instance's disk (the local
document store, a report written for an operator) may be lost and is readable
and writable by its owner only. Several instances may share a directory: nothing here
assumes one writer any more.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["private_file"]


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
