"""casehub's pytest plugin for a vendor's test suite (entry point ``pytest11``: ``casehub``).

Installed with the package, so ``pip install casehub`` in a vendor's environment gives their
tests these fixtures (every name starts ``casehub_``, so none shadows one of theirs):

==========================  ====================================================
fixture                     gives
==========================  ====================================================
``casehub_bootstrap``       the broker to test on: ``--casehub-bootstrap`` or
                            ``CASEHUB_BOOTSTRAP_SERVERS`` (the README says how to
                            start the local one)
``casehub_kafka``           a ``KafkaConnection``: ``casehub_bootstrap`` and how to
                            authenticate there (``CASEHUB_KAFKA_SECURITY``, JSON,
                            docs/broker-security.md; default PLAINTEXT)
``casehub_golden_event``    ``(type, version=None) -> Event``: a fixed valid event
``casehub_events``          ``(type, version=None) -> strategy``: hypothesis events
                            drawn from the committed JSON Schema
``casehub_validate``        ``(headers, value) -> Event``: the hub's own decoding;
                            raises ``InvalidRecordError`` with one problem per field
``casehub_conformance``     ``(municipality, cases=3) -> CheckResult``: the run of
                            ``casehub conformance run`` on ``casehub_bootstrap``
``casehub_standins``        the national services' stand-ins on loopback ports for
                            the session (``--casehub-municipality``, default 101):
                            each one's ``url``, and ``environment()`` to point at them
``casehub_hub``             a running hub for the session, in process, on
                            ``casehub_bootstrap`` as the hub's principal
                            (``CASEHUB_HUB_KAFKA_SECURITY``, JSON; default
                            PLAINTEXT), its components at ``casehub_standins``:
                            its ``url`` and ``settings``; other settings from the
                            ``CASEHUB_*`` environment, as ``casehub run``
==========================  ====================================================

Nothing heavy is imported until a fixture is used: pytest loads this in every session.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from contracts.base import Contract
    from contracts.envelope import Event
    from hub.cli.standins import RunningStandins
    from hub.conformance.checks import CheckResult
    from hub.conformance.hub import RunningHub
    from hub.runtime.kafka_access import KafkaConnection

_Served = TypeVar("_Served")

__all__ = [
    "casehub_bootstrap",
    "casehub_conformance",
    "casehub_events",
    "casehub_golden_event",
    "casehub_hub",
    "casehub_kafka",
    "casehub_standins",
    "casehub_validate",
    "pytest_addoption",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--casehub-bootstrap``: the Kafka broker the conformance fixtures use."""
    group = parser.getgroup("casehub", "casehub conformance kit")
    group.addoption(
        "--casehub-bootstrap",
        default=None,
        help="Kafka bootstrap servers (default: $CASEHUB_BOOTSTRAP_SERVERS).",
    )
    group.addoption(
        "--casehub-municipality",
        action="append",
        default=None,
        help="A kommunekode the stand-ins serve (repeat; default 101).",
    )


@pytest.fixture(scope="session")
def casehub_bootstrap(request: pytest.FixtureRequest) -> str:
    """The broker's bootstrap servers; a test that needs one fails clearly without it."""
    value = request.config.getoption("--casehub-bootstrap") or os.environ.get(
        "CASEHUB_BOOTSTRAP_SERVERS"
    )
    if not value:
        pytest.fail("no broker: pass --casehub-bootstrap or set CASEHUB_BOOTSTRAP_SERVERS")
    return str(value)


@pytest.fixture(scope="session")
def casehub_kafka(casehub_bootstrap: str) -> KafkaConnection:
    """The broker and the credentials of the case system's principal there."""
    from hub.runtime.kafka_access import KafkaConnection, KafkaSecurity  # noqa: PLC0415

    given = os.environ.get("CASEHUB_KAFKA_SECURITY")
    security = KafkaSecurity() if not given else KafkaSecurity.model_validate_json(given)
    return KafkaConnection(casehub_bootstrap, security)


@pytest.fixture(scope="session")
def casehub_golden_event() -> Callable[..., Event[Contract]]:
    """The golden event of a contract version, e.g. ``("dk.casehub.case.opened")``."""
    from hub.conformance.golden import golden_event  # noqa: PLC0415 - loaded when used

    return golden_event


@pytest.fixture(scope="session")
def casehub_events() -> Callable[..., SearchStrategy[Event[Contract]]]:
    """Hypothesis strategies of valid events, drawn from the committed JSON Schemas."""
    from hypothesis import strategies as st  # noqa: PLC0415 - loaded when used

    from contracts.catalogue import CATALOGUE  # noqa: PLC0415
    from contracts.envelope import new_event  # noqa: PLC0415
    from hub.conformance.golden import GOLDEN_MUNICIPALITY  # noqa: PLC0415
    from hub.conformance.strategies import committed_instances  # noqa: PLC0415

    def events(event_type: str, version: int | None = None) -> SearchStrategy[Event[Contract]]:
        newest = max(v for t, v in CATALOGUE if t == event_type)
        contract = CATALOGUE[event_type, version or newest]
        return st.builds(
            lambda data: new_event(data, source="urn:casehub:generated",
                                   municipality=GOLDEN_MUNICIPALITY, case_id="generated-case"),
            committed_instances(contract),
        )  # fmt: skip

    return events


@pytest.fixture(scope="session")
def casehub_validate() -> Callable[[Sequence[tuple[str, bytes]], bytes | None], Event[Contract]]:
    """The hub's decoding of a Kafka record: what the hub would accept, or why not."""
    from contracts.binding import from_kafka  # noqa: PLC0415 - loaded when used

    return from_kafka


@pytest.fixture
def casehub_conformance(casehub_kafka: KafkaConnection) -> Callable[..., CheckResult]:
    """Run the hub's side against the case system serving a municipality; return the checks."""
    import asyncio  # noqa: PLC0415 - loaded when used

    from hub.conformance.run import run_conformance  # noqa: PLC0415

    def run(municipality: str, cases: int = 3, **options: Any) -> CheckResult:  # noqa: ANN401
        _, result = asyncio.run(
            run_conformance(casehub_kafka, municipality, cases=cases, **options)
        )
        return result

    return run


def _on_own_loop(serving: AbstractAsyncContextManager[_Served]) -> Iterator[_Served]:
    """Enter ``serving`` on an event loop a thread runs, and leave it there at the end.

    A synchronous suite can use what it serves as well as an asyncio one, whose loops come
    and go with its tests.
    """
    import asyncio  # noqa: PLC0415 - loaded when used
    import threading  # noqa: PLC0415

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="casehub-fixture", daemon=True)
    thread.start()
    try:
        yield asyncio.run_coroutine_threadsafe(serving.__aenter__(), loop).result(timeout=120)
        stopped = asyncio.run_coroutine_threadsafe(serving.__aexit__(None, None, None), loop)
        stopped.result(timeout=60)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def _municipalities(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return tuple(request.config.getoption("--casehub-municipality") or ["101"])


@pytest.fixture(scope="session")
def casehub_standins(request: pytest.FixtureRequest) -> Iterator[RunningStandins]:
    """The stand-ins (``casehub standins``) for the session, on an event loop of their own."""
    from hub.cli.standins import running_standins  # noqa: PLC0415 - loaded when used

    yield from _on_own_loop(running_standins(_municipalities(request)))


@pytest.fixture(scope="session")
def casehub_hub(
    request: pytest.FixtureRequest, casehub_bootstrap: str, casehub_standins: RunningStandins
) -> Iterator[RunningHub]:
    """A hub serving for the session: on the broker, its components at the stand-ins."""
    from hub.conformance.hub import running_hub  # noqa: PLC0415 - loaded when used
    from hub.runtime.kafka_access import KafkaConnection, KafkaSecurity  # noqa: PLC0415

    given = os.environ.get("CASEHUB_HUB_KAFKA_SECURITY")
    security = KafkaSecurity() if not given else KafkaSecurity.model_validate_json(given)
    kafka = KafkaConnection(casehub_bootstrap, security)
    standins = casehub_standins.settings()
    yield from _on_own_loop(running_hub(kafka, _municipalities(request), standins))
