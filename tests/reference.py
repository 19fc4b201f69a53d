"""Where the shared reference files live: one setting for every conformance test.

``CASEHUB_REFERENCE_DIR`` names the folder; by default it is ``<repo>/../shared/reference``,
beside the checkout. The project never copies reference files into its own tree. A missing
folder or file fails the test in CI (``CI=true``) and skips it, with the reason, elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.absent import missing

__all__ = ["ENV", "reference_dir", "require_reference"]

ENV = "CASEHUB_REFERENCE_DIR"
_REPO = Path(__file__).resolve().parent.parent


def reference_dir() -> Path:
    """The reference folder: ``$CASEHUB_REFERENCE_DIR``, else ``<repo>/../shared/reference``."""
    configured = os.environ.get(ENV, "").strip()
    path = Path(configured) if configured else _REPO.parent / "shared" / "reference"
    if not path.is_dir():
        _missing(path)
    return path


def require_reference(*parts: str) -> Path:
    """A path inside the reference folder; fails the test in CI when missing, else skips it."""
    path = reference_dir().joinpath(*parts)
    if not path.exists():
        _missing(path)
    return path


def _missing(path: Path) -> None:
    missing(f"reference files missing: {path} (set {ENV} to the shared reference folder)")
