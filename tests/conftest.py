"""Fixtures only; helpers live in plain modules (tests/people.py, tests/kafka.py)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from contracts.municipalities import MUNICIPALITIES
from hub.cli.demo import MUNICIPALITY as DEMO_MUNICIPALITY
from hub.compose.settings import Settings
from hub.runtime.kafka_access import KafkaConnection
from tests import browser, log_scan
from tests.broker import TestBroker, kafka_broker
from tests.callers import caller_settings
from tests.s3 import S3Server, s3_server

# Each real-broker test gets a municipality of its own, hence topics of its own; the demo's
# municipality is left to the demo test, whose events would otherwise meet another test's.
_municipalities = iter(sorted(set(MUNICIPALITIES) - {DEMO_MUNICIPALITY}))


def _fresh_municipality() -> str:
    """The next unused municipality; never one again (its topics hold another test's)."""
    code = next(_municipalities, None)
    if code is None:
        pytest.fail("more real-broker tests than municipalities: topics would be shared")
    return code


@pytest.fixture(scope="session")
def test_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestBroker]:
    """A real Kafka broker for the session (see tests/broker.py for where it comes from)."""
    with kafka_broker(tmp_path_factory.mktemp("kafka")) as broker:
        yield broker


@pytest.fixture(scope="session")
def hub_kafka(test_broker: TestBroker) -> KafkaConnection:
    """How the hub's principal reaches the session's broker (``test_broker`` for others)."""
    return test_broker.hub


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (S3Proxy, filesystem backend) for the session."""
    with s3_server(tmp_path_factory.mktemp("s3proxy")) as server:
        yield server


@pytest.fixture
def hub_settings(hub_kafka: KafkaConnection, tmp_path: Path) -> Settings:
    """Settings for one test: its own municipality (topics) and consumer groups.

    The groups start with ``casehub.``: the hub's principal may join groups of that prefix
    only (hub.compose.grants), and each test's groups are its own below it. The test caller
    (tests/callers.py) may post for that municipality, signing with ``signing()``.
    """
    municipality = _fresh_municipality()
    return Settings(
        bootstrap_servers=hub_kafka.bootstrap_servers,
        kafka_security=hub_kafka.security,
        municipalities=(municipality,),
        callers=caller_settings(tmp_path / "callers", [municipality]),
        group_prefix=f"casehub.t{uuid.uuid4().hex[:8]}",
        http_port=0,
        transient_pause_s=0.1,
        log_level="INFO",
        state_dir=tmp_path / "state",
        retry_base_s=0.2,
        retry_max_s=1.0,
    )


@pytest.fixture
def fresh_municipality() -> Callable[[], str]:
    """Hands out municipalities no other test has had, for a test that needs several."""
    return _fresh_municipality


@pytest.fixture(scope="module")
def module_municipality() -> Callable[[], str]:
    """As ``fresh_municipality``, for a module-scoped fixture (one history, several tests)."""
    return _fresh_municipality


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


# Every log line of the run (this process and the hubs it starts) is copied to one file,
# and the session fails if a CPR number of the synthetic population appears in it.
_LOG_COPY = Path(
    os.environ.setdefault("CASEHUB_LOG_COPY", str(Path(tempfile.mkdtemp()) / "run.log"))
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    found = log_scan.logged_numbers(_LOG_COPY)
    damaged = log_scan.damaged_uuids(_LOG_COPY)
    if found or damaged:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        sys.stderr.write(
            f"\nlog scan: {len(found)} CPR-shaped number(s) in the run's logs, "
            f"{damaged} UUID(s) the mask damages\n"
        )
    elif exitstatus == 0:
        sys.stderr.write(
            f"\nlog scan: no CPR number and no damaged UUID in "
            f"{log_scan.line_count(_LOG_COPY)} log lines\n"
        )


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """Debian's headless Chromium for the session (tests/browser.py); launched once."""
    path = browser.chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=path,
            # The tests run as root (CI), where Chromium's sandbox cannot start.
            args=["--no-sandbox"],
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(chromium: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A fresh browser context (no cookies) and page; its last state saved as a screenshot."""
    context = await chromium.new_context()
    opened = await context.new_page()
    opened.set_default_timeout(10_000)  # a stuck page fails the test in bounded time
    try:
        yield opened
    finally:
        with contextlib.suppress(PlaywrightError):
            await opened.screenshot(path=browser.artifact_path(request.node.nodeid, "last"))
        await context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> browser.Shots:
    """The test's screenshots of each page it looks at (test-artifacts/)."""
    return browser.Shots(request.node.nodeid)
