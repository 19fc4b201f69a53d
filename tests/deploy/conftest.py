"""Fixtures for the deploy/ checks: the pinned Node.js validators, installed on first use."""

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed to validate deploy/ (Node.js 20+)"
    return found


@pytest.fixture(scope="session")
def node_checks() -> tuple[str, Path]:
    """``node`` and the folder of the check scripts; ``npm ci`` there if nothing is installed."""
    installed = HERE / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        done = subprocess.run(
            [_tool("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return _tool("node"), HERE
