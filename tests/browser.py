"""A real browser for the tests: Debian's headless Chromium driven by playwright.

playwright never downloads a browser here: it launches the system chromium (``make browser``
installs it; ``CASEHUB_CHROMIUM`` names another). Without it the browser tests fail in CI
(which always installs it) and are skipped elsewhere, with the reason.

Every page a test looks at can be saved as a screenshot under ``test-artifacts/`` (kept by
``make test``; one file per test and step), and checked with axe-core, the accessibility
engine behind the browsers' own audit tools: labels, headings, landmarks, contrast, names
of buttons and links. The keyboard check is the test's own (``tab_to``), since axe looks at
the page as it stands, not at how one moves through it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from tests.absent import missing

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_axe = Axe()


def chromium_path() -> str:
    """The system chromium's path; fails in CI and skips elsewhere when there is none."""
    path = os.environ.get("CASEHUB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        missing(f"no chromium at {path}: run `make browser` (Debian's package)")
    return path


def artifact_path(test_id: str, step: str) -> Path:
    """Where the screenshot of ``step`` of the test ``test_id`` goes."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{test_id}-{step}").strip("-")
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


async def assert_accessible(page: Page) -> None:
    """No axe-core violation on the page as it stands (the report names each)."""
    results = await _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


async def tab_to(page: Page, selector: str, *, presses: int = 20) -> None:
    """Reach ``selector`` with the Tab key alone (keyboard-reachable), or fail."""
    target = page.locator(selector)
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} is not reachable with the keyboard in {presses} tabs")


class Shots:
    """A test's screenshots: ``await shots.take(page, "sign-in")`` for each page it saw."""

    def __init__(self, test_id: str) -> None:
        self._test_id = test_id
        self.taken: list[Path] = []

    async def take(self, page: Page, step: str) -> Path:
        """Save a full-page screenshot of ``page`` as ``step``."""
        path = artifact_path(self._test_id, f"{len(self.taken) + 1:02d}-{step}")
        await page.screenshot(path=path, full_page=True)
        self.taken.append(path)
        return path
