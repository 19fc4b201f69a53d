"""Where the shared reference files are: one setting, and CI fails rather than skips.

``CASEHUB_REFERENCE_DIR`` names the folder; by default it is ``../shared/reference``
beside the checkout. The project never copies reference files into its own tree.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["reference_dir"]

_REPO = Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    """The reference folder; fails under ``CI=true`` when it is missing, skips elsewhere."""
    configured = os.environ.get("CASEHUB_REFERENCE_DIR")
    path = Path(configured) if configured else _REPO.parent / "shared" / "reference"
    if path.is_dir():
        return path
    reason = f"reference folder {path} is missing (set CASEHUB_REFERENCE_DIR)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
