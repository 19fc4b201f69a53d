"""Where the tests' real Kafka broker comes from, in order of preference.

1. ``CASEHUB_TEST_BOOTSTRAP``: a broker someone already runs (plaintext, no authorizer).
2. testcontainers' Kafka, when a Docker engine answers (plaintext, no authorizer).
3. ``deploy/local/kafka.py start --secure``: the local broker from Maven Central jars (what
   CI uses), SASL_SSL only, with the StandardAuthorizer and the ACL plan of
   ``hub.compose.grants`` for every municipality: the whole suite runs as the hub's principal
   (``TestBroker.hub``), and a test may act as a case system (``TestBroker.case_system``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from contracts.municipalities import MUNICIPALITIES
from hub.compose.grants import HUB_USER, bindings, case_system_user, plan_principals
from hub.runtime.kafka_access import KafkaConnection, local_broker_connection

__all__ = ["ADMIN", "TestBroker", "kafka_broker"]

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "local" / "kafka.py"
ADMIN = "casehub-admin"
"""The local broker's own super user (deploy/local/kafka_secure.py): for what no role may."""


@dataclass(frozen=True)
class TestBroker:
    """The session's broker, and how each principal reaches it."""

    __test__ = False  # not a test class, despite its name

    bootstrap: str
    secured: Path | None = None
    """The local broker's data directory (tls/ca.pem, credentials/NAME); None: plaintext."""

    def connection(self, principal: str) -> KafkaConnection:
        """How ``principal`` reaches the broker (on a plaintext broker: as anyone)."""
        if self.secured is None:
            return KafkaConnection(self.bootstrap)
        return local_broker_connection(self.bootstrap, self.secured, principal)

    @property
    def hub(self) -> KafkaConnection:
        """The hub's principal, ``casehub-hub``: what the suite runs as."""
        return self.connection(HUB_USER)

    def case_system(self, municipality: str) -> KafkaConnection:
        """The principal of one municipality's case system, ``casesystem-<kode>``."""
        return self.connection(case_system_user(municipality))

    @property
    def admin(self) -> KafkaConnection:
        """The broker's admin (a super user): for benchmarks, whose topics no role names."""
        return self.connection(ADMIN)


def _secure_arguments(data: Path) -> list[str]:
    """``--secure``, a user per principal of the plan, and the plan's ACL bindings."""
    # The hub makes its own topics at start here (provisions); every municipality, as each
    # test takes one of its own.
    principals = plan_principals(sorted(MUNICIPALITIES), provisions=True)
    data.mkdir(parents=True, exist_ok=True)
    acls = data / "acls.json"
    acls.write_text(json.dumps(bindings(principals)), encoding="utf-8")
    users = [arg for p in principals for arg in ("--user", p.name)]
    return ["--secure", *users, "--acls", str(acls)]


def _docker_answers() -> bool:
    """A Docker engine answers /_ping on its socket (a client alone is not enough).

    Asked with the standard library: docker-py leaks its socket when the engine is absent.
    """
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not host.startswith("unix://"):
        return True  # a remote engine: let testcontainers find out
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(host.removeprefix("unix://"))
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.startswith(b"HTTP/1.") and b" 200 " in reply[:16]


@contextmanager
def kafka_broker(data: Path) -> Iterator[TestBroker]:
    """Yield a real broker for the whole test session."""
    if given := os.environ.get("CASEHUB_TEST_BOOTSTRAP"):
        yield TestBroker(given)
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield TestBroker(container.get_bootstrap_server())
        return
    started = subprocess.run(
        [sys.executable, str(SCRIPT), "start", "--data", str(data), *_secure_arguments(data)],
        check=False,
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:  # say why, not only that it failed
        msg = f"the local broker in {data} did not start: {started.stderr.strip()[-2000:]}"
        raise RuntimeError(msg)
    try:
        yield TestBroker(started.stdout.strip(), secured=data)
    finally:
        stop_local_broker(data)


def stop_local_broker(data: Path, *, kill: bool = False) -> None:
    args = [sys.executable, str(SCRIPT), "stop", "--data", str(data)]
    subprocess.run([*args, "--kill"] if kill else args, check=True)


def start_local_broker(data: Path) -> TestBroker:
    """(Re)start the local broker in ``data``: same port, same log, so clients reconnect."""
    started = subprocess.run(
        [sys.executable, str(SCRIPT), "start", "--data", str(data), *_secure_arguments(data)],
        check=False,
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:  # say why, not only that it failed
        msg = f"the local broker in {data} did not start: {started.stderr.strip()[-2000:]}"
        raise RuntimeError(msg)
    return TestBroker(started.stdout.strip(), secured=data)
