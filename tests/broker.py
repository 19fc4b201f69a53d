"""Where the tests' real Kafka broker comes from, in order of preference.

1. ``CASEHUB_TEST_BOOTSTRAP``: a broker someone already runs.
2. testcontainers' Kafka, when a Docker engine answers.
3. ``deploy/local/kafka.py``: the local broker from Maven Central jars (what CI uses).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["kafka_broker"]

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "local" / "kafka.py"


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
def kafka_broker(data: Path) -> Iterator[str]:
    """Yield a bootstrap address of a real broker for the whole test session."""
    if given := os.environ.get("CASEHUB_TEST_BOOTSTRAP"):
        yield given
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    started = subprocess.run(
        [sys.executable, str(SCRIPT), "start", "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        yield started.stdout.strip()
    finally:
        stop_local_broker(data)


def stop_local_broker(data: Path, *, kill: bool = False) -> None:
    args = [sys.executable, str(SCRIPT), "stop", "--data", str(data)]
    subprocess.run([*args, "--kill"] if kill else args, check=True)


def start_local_broker(data: Path) -> str:
    """(Re)start the local broker in ``data``: same port, same log, so clients reconnect."""
    started = subprocess.run(
        [sys.executable, str(SCRIPT), "start", "--data", str(data)],
        check=False,
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:  # say why, not only that it failed
        msg = f"the local broker in {data} did not start: {started.stderr.strip()[-2000:]}"
        raise RuntimeError(msg)
    return started.stdout.strip()
