#!/usr/bin/env python3
"""A real single-node Apache Kafka broker (KRaft, broker+controller) without Docker.

    kafka.py fetch                                 jars from Maven Central into the cache
    kafka.py start --data DIR [--port N] [--secure] [--user NAME ...] [--acls FILE]
                                                   format (once), start, wait until it answers
    kafka.py stop  --data DIR                      SIGTERM, then SIGKILL after a grace period
    kafka.py status --data DIR                     exit 0 when the broker answers a metadata request

`start` returns once a metadata request is answered and the group coordinator is up.

`start` prints the bootstrap address (127.0.0.1:PORT) on stdout and, with
--bootstrap-file, writes it there too. `--port 0` picks a free port. The broker
runs detached from this script; its pid, configuration, data and log live in DIR.

`--secure` (what `make demo` and the tests use) gives clients one SASL_SSL listener
(SCRAM-SHA-512 over TLS) and no plaintext one, the StandardAuthorizer with
`allow.everyone.if.no.acl.found=false`, and one super user, the broker's own admin
principal `casehub-admin`. The local CA and the broker's certificate are made at the first
start with `cryptography` (so `--secure` needs the project's virtual environment); the CA
certificate is DIR/tls/ca.pem. Each `--user` is a SCRAM user made at format time with a
random password in DIR/credentials/NAME (mode 0600); `--acls` is a JSON list of ACL
bindings (`casehub deploy acls` prints the hub's plan) the admin creates once the broker
answers; each principal it names is a SCRAM user too. The KRaft
controller listener stays on loopback and takes only the broker's own certificate.
Docs: docs/broker-security.md.

Without `--secure`: standard library only, so it runs before the project's virtual
environment exists and for vendors who only want a broker. The jars are cached outside the
checkout in $CASEHUB_CACHE (default ~/.cache/casehub): the first start takes the download.
"""

from __future__ import annotations

import argparse
import base64
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import kafka_secure  # beside this script; stdlib only until certificates are made

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LOG4J = HERE / "log4j2.properties"
HEAP = os.environ.get("CASEHUB_KAFKA_HEAP", "512m")
START_TIMEOUT_S = float(os.environ.get("CASEHUB_KAFKA_START_TIMEOUT", "120"))
STOP_GRACE_S = 30.0
_CORRELATION_ID = 7

SERVER_PROPERTIES = """\
# Written by deploy/local/kafka.py: one combined broker+controller on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={data}/log
num.partitions=3
# A single node: every internal topic has one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
# Tests start and stop consumer groups all the time: do not wait for joiners.
group.initial.rebalance.delay.ms=0
# The hub creates the topics it uses; a typo must not create a new one.
auto.create.topics.enable=false
"""


def cache_dir() -> Path:
    root = os.environ.get("CASEHUB_CACHE") or Path.home() / ".cache" / "casehub"
    return Path(root) / "kafka" / _kafka_version()


def _kafka_version() -> str:
    text = POM.read_text(encoding="utf-8")
    start = text.index("<kafka.version>") + len("<kafka.version>")
    return text[start : text.index("</kafka.version>")]


def fetch() -> Path:
    """Copy the broker's runtime jars from Maven Central into the cache (once)."""
    libs = cache_dir() / "libs"
    done = libs / ".complete"
    if done.exists():
        return libs
    libs.mkdir(parents=True, exist_ok=True)
    print(f"fetching Kafka {_kafka_version()} jars with Maven into {libs}", file=sys.stderr)
    subprocess.run(
        [
            "mvn", "-q", "-B", "-f", str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}",
            "-DincludeScope=runtime",
        ],
        check=True,
        stdout=sys.stderr,  # stdout carries only the bootstrap address
    )  # fmt: skip
    done.write_text(_kafka_version(), encoding="utf-8")
    return libs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _java(libs: Path, data: Path, *args: str) -> list[str]:
    return [
        "java",
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J}",
        f"-Dkafka.logs.dir={data / 'logs'}",
        "-cp",
        f"{libs}/*",
        *args,
    ]


def _read_port(data: Path) -> int:
    return int((data / "port").read_text(encoding="utf-8"))


def _pid(data: Path) -> int | None:
    try:
        pid = int((data / "broker.pid").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _request(port: int, api_key: int, version: int, payload: bytes, timeout: float) -> bytes:
    """One request/response on a fresh connection (request header v1, response header v0)."""
    client_id = b"casehub-probe"
    header = struct.pack(">hhih", api_key, version, _CORRELATION_ID, len(client_id)) + client_id
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(header + payload)) + header + payload)
        size = struct.unpack(">i", _recv_exact(sock, 4))[0]
        reply = _recv_exact(sock, size)
    if struct.unpack(">i", reply[:4])[0] != _CORRELATION_ID:
        raise ConnectionError("answer to another request")
    return reply[4:]


Ask = Callable[[int, int, bytes, float], bytes]
"""One request and its answer: api key, version, payload, timeout."""


def _plain_asker(port: int) -> Ask:
    return lambda api_key, version, payload, timeout: _request(
        port, api_key, version, payload, timeout
    )


def _asker(data: Path) -> Ask:
    """How to ask this broker: plaintext, or (``--secure``) as its admin over SASL_SSL."""
    port = _read_port(data)
    if not (data / "secure").exists():
        return _plain_asker(port)
    password = (data / "credentials" / kafka_secure.ADMIN).read_text(encoding="utf-8").strip()

    def ask(api_key: int, version: int, payload: bytes, timeout: float) -> bytes:
        session = kafka_secure.Session(port, data / "tls", kafka_secure.ADMIN, password, timeout)
        try:
            return session.request(api_key, version, payload)
        finally:
            session.close()

    return ask


def metadata_ok(ask: Ask, timeout: float = 2.0) -> bool:
    """A real MetadataRequest (v4, all topics) is answered with at least one broker."""
    try:
        reply = ask(3, 4, struct.pack(">i?", -1, False), timeout)
    except OSError:
        return False
    _throttle, brokers = struct.unpack(">ii", reply[:8])
    return bool(brokers >= 1)


def coordinator_ok(ask: Ask, timeout: float = 2.0) -> bool:
    """FindCoordinator (v1) for a group succeeds.

    The first such request makes the broker create __consumer_offsets; until then every
    consumer group's first join fails with COORDINATOR_NOT_AVAILABLE and logs an error.
    """
    group = b"casehub-probe"
    try:
        reply = ask(10, 1, struct.pack(">h", len(group)) + group + b"\x00", timeout)
    except OSError:
        return False
    _throttle, error_code = struct.unpack(">ih", reply[:6])
    return bool(error_code == 0)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        chunks.extend(chunk)
    return bytes(chunks)


def start(
    data: Path,
    port: int,
    *,
    secure: bool = False,
    users: list[str] | None = None,
    acls: Path | None = None,
) -> str:
    libs = fetch()
    data.mkdir(parents=True, exist_ok=True)
    if (pid := _pid(data)) is not None:
        bootstrap = f"127.0.0.1:{_read_port(data)}"
        print(f"broker already running (pid {pid})", file=sys.stderr)
        return bootstrap
    properties = data / "server.properties"
    if not (data / "log" / "meta.properties").exists():
        port = port or _free_port()
        # Every principal the ACL bindings name is a user, beside those named by --user.
        bound = [b["principal"] for b in kafka_secure.load_bindings(acls)] if acls else []
        users = list(dict.fromkeys([*(users or []), *bound]))
        format_args = _configure(data, properties, port, secure=secure, users=users)
        # One in 64 ids starts with "-": given as --cluster-id=ID it is never read as an option.
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        subprocess.run(
            _java(libs, data, "kafka.tools.StorageTool", "format",
                  f"--cluster-id={cluster_id}", "-c", str(properties), "--ignore-formatted",
                  *format_args),
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (data / "port").write_text(str(port), encoding="utf-8")
    port = _read_port(data)
    ask = _asker(data)
    began = time.monotonic()
    with (data / "broker.out").open("ab") as out:
        process = subprocess.Popen(
            _java(libs, data, "kafka.Kafka", str(properties)),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives this script; stop() ends it
        )
    (data / "broker.pid").write_text(str(process.pid), encoding="utf-8")
    while not (metadata_ok(ask) and coordinator_ok(ask)):
        if process.poll() is not None:
            raise SystemExit(f"broker exited with {process.returncode}; see {data / 'broker.out'}")
        if time.monotonic() - began > START_TIMEOUT_S:
            stop(data)
            raise SystemExit(f"broker did not answer within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.2)
    if acls is not None and (data / "secure").exists():
        _bind_acls(data, acls)
    print(f"broker ready on 127.0.0.1:{port} in {time.monotonic() - began:.1f} s", file=sys.stderr)
    return f"127.0.0.1:{port}"


def _configure(
    data: Path, properties: Path, port: int, *, secure: bool, users: list[str]
) -> list[str]:
    """Write server.properties; return the extra `format` arguments (the SCRAM users)."""
    controller_port = _free_port()
    if not secure:
        properties.write_text(
            SERVER_PROPERTIES.format(port=port, controller_port=controller_port, data=data),
            encoding="utf-8",
        )
        return []
    kafka_secure.make_certificates(data / "tls")
    passwords = kafka_secure.make_passwords(data / "credentials", users)
    properties.write_text(
        kafka_secure.SECURE_PROPERTIES.format(
            port=port,
            controller_port=controller_port,
            data=data,
            tls=data / "tls",
            mechanism=kafka_secure.MECHANISM,
            admin=kafka_secure.ADMIN,
            admin_password=passwords[kafka_secure.ADMIN],
            broker_cn=kafka_secure.BROKER_CN,
        ),
        encoding="utf-8",
    )
    properties.chmod(0o600)  # it holds the admin's password
    (data / "secure").write_text("SASL_SSL\n", encoding="utf-8")
    return kafka_secure.scram_arguments(passwords)


def _bind_acls(data: Path, acls: Path) -> None:
    password = (data / "credentials" / kafka_secure.ADMIN).read_text(encoding="utf-8").strip()
    session = kafka_secure.Session(_read_port(data), data / "tls", kafka_secure.ADMIN, password, 30)
    try:
        kafka_secure.create_acls(session, kafka_secure.load_bindings(acls))
    finally:
        session.close()


def stop(data: Path, *, hard: bool = False) -> None:
    pid = _pid(data)
    if pid is None:
        return
    os.kill(pid, signal.SIGKILL if hard else signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    while time.monotonic() < deadline:
        if _pid(data) is None or _reaped(pid):
            break
        time.sleep(0.1)
    else:
        print("broker ignored SIGTERM; sending SIGKILL", file=sys.stderr)
        os.kill(pid, signal.SIGKILL)
    (data / "broker.pid").unlink(missing_ok=True)


def _reaped(pid: int) -> bool:
    """True once the process is gone (a zombie of ours counts as gone)."""
    try:
        waited, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False  # not our child: _pid() decides
    return waited == pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch")
    for name in ("start", "stop", "status"):
        command = commands.add_parser(name)
        command.add_argument("--data", type=Path, required=True)
        if name == "start":
            command.add_argument("--port", type=int, default=0)
            command.add_argument("--bootstrap-file", type=Path)
            command.add_argument(
                "--secure",
                action="store_true",
                help="SASL_SSL only, StandardAuthorizer (needs the venv)",
            )
            command.add_argument(
                "--user", action="append", default=[], help="a SCRAM user to create (--secure)"
            )
            command.add_argument("--acls", type=Path, help="JSON ACL bindings (--secure)")
        if name == "stop":
            command.add_argument("--kill", action="store_true", help="SIGKILL at once")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        print(fetch())
        return 0
    data = args.data.resolve()
    if args.command == "start":
        bootstrap = start(data, args.port, secure=args.secure, users=args.user, acls=args.acls)
        if args.bootstrap_file:
            args.bootstrap_file.write_text(bootstrap, encoding="utf-8")
        print(bootstrap)
        return 0
    if args.command == "stop":
        stop(data, hard=args.kill)
        return 0
    return 0 if (data / "port").exists() and metadata_ok(_asker(data)) else 1


if __name__ == "__main__":
    sys.exit(main())
