#!/usr/bin/env python3
"""A real S3-compatible server (S3Proxy, filesystem backend) on loopback, without Docker.

    s3proxy.py fetch                                  jars from Maven Central into the cache
    s3proxy.py start --data DIR [--port N] [--bucket B]   start, wait until it answers
    s3proxy.py stop  --data DIR                       SIGTERM, then SIGKILL after a grace period
    s3proxy.py status --data DIR                      exit 0 when the server answers

`start` prints the endpoint (http://127.0.0.1:PORT) on stdout and, with --endpoint-file,
writes it there too. The server keeps each object as a file under DIR/objects/<bucket>/;
--bucket (default casehub-documents) is created at start. Its credentials are made once
per DIR, at random, into DIR/access_key_id and DIR/secret_access_key (owner-only), the
files the hub's S3Settings read. Its pid, configuration and log (DIR/logs) live in DIR.

Standard library only, like kafka.py beside it. The jars are cached outside the checkout
in $CASEHUB_CACHE (default ~/.cache/casehub): the first start takes the download.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "s3proxy-pom.xml"
LOGBACK = HERE / "s3proxy-logback.xml"
HEAP = os.environ.get("CASEHUB_S3PROXY_HEAP", "256m")
START_TIMEOUT_S = float(os.environ.get("CASEHUB_S3PROXY_START_TIMEOUT", "60"))
STOP_GRACE_S = 15.0
DEFAULT_BUCKET = "casehub-documents"

PROPERTIES = """\
# Written by deploy/local/s3proxy.py: S3Proxy on loopback, objects as files.
s3proxy.endpoint=http://127.0.0.1:{port}
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity={identity}
s3proxy.credential={credential}
jclouds.provider=filesystem
jclouds.filesystem.basedir={objects}
"""


def cache_dir() -> Path:
    root = os.environ.get("CASEHUB_CACHE") or Path.home() / ".cache" / "casehub"
    return Path(root) / "s3proxy" / _version()


def _version() -> str:
    text = POM.read_text(encoding="utf-8")
    start = text.index("<s3proxy.version>") + len("<s3proxy.version>")
    return text[start : text.index("</s3proxy.version>")]


def fetch() -> Path:
    """Copy S3Proxy's runtime jars from Maven Central into the cache (once)."""
    libs = cache_dir() / "libs"
    done = libs / ".complete"
    if done.exists():
        return libs
    libs.mkdir(parents=True, exist_ok=True)
    print(f"fetching S3Proxy {_version()} jars with Maven into {libs}", file=sys.stderr)
    subprocess.run(
        [
            "mvn", "-q", "-B", "-f", str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}",
            "-DincludeScope=runtime",
        ],
        check=True,
        stdout=sys.stderr,  # stdout carries only the endpoint
    )  # fmt: skip
    done.write_text(_version(), encoding="utf-8")
    return libs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid(data: Path) -> int | None:
    try:
        pid = int((data / "s3proxy.pid").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _read_port(data: Path) -> int:
    return int((data / "port").read_text(encoding="utf-8"))


def answers(port: int, timeout: float = 2.0) -> bool:
    """An HTTP request is answered with an S3 status (403 without credentials is one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/")
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return status in {200, 403}


def _private(path: Path, text: str) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")


def _credentials(data: Path) -> tuple[str, str]:
    """The server's identity and credential, made once per data directory."""
    identity, credential = data / "access_key_id", data / "secret_access_key"
    if not (identity.exists() and credential.exists()):
        _private(identity, f"casehub-{secrets.token_hex(4)}\n")
        _private(credential, secrets.token_urlsafe(24) + "\n")
    return (
        identity.read_text(encoding="utf-8").strip(),
        credential.read_text(encoding="utf-8").strip(),
    )


def start(data: Path, port: int, bucket: str) -> str:
    libs = fetch()
    data.mkdir(parents=True, exist_ok=True)
    objects = data / "objects"
    (objects / bucket).mkdir(parents=True, exist_ok=True)  # a bucket is a folder
    if (pid := _pid(data)) is not None:
        print(f"S3Proxy already running (pid {pid})", file=sys.stderr)
        return f"http://127.0.0.1:{_read_port(data)}"
    if not (data / "port").exists():
        (data / "port").write_text(str(port or _free_port()), encoding="utf-8")
    port = _read_port(data)  # the same port on a restart, so clients reconnect
    identity, credential = _credentials(data)
    properties = data / "s3proxy.conf"
    _private(
        properties,
        PROPERTIES.format(port=port, identity=identity, credential=credential, objects=objects),
    )
    (data / "logs").mkdir(exist_ok=True)
    command = [
        "java",
        f"-Xmx{HEAP}",
        "-Djava.awt.headless=true",
        f"-Dlogback.configurationFile={LOGBACK}",
        f"-Ds3proxy.logs.dir={data / 'logs'}",
        "-cp",
        f"{libs}/*",
        "org.gaul.s3proxy.Main",
        "--properties",
        str(properties),
    ]
    began = time.monotonic()
    with (data / "s3proxy.out").open("ab") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives this script; stop() ends it
        )
    (data / "s3proxy.pid").write_text(str(process.pid), encoding="utf-8")
    while not answers(port):
        if process.poll() is not None:
            raise SystemExit(f"S3Proxy exited with {process.returncode}; see {data / 'logs'}")
        if time.monotonic() - began > START_TIMEOUT_S:
            stop(data)
            raise SystemExit(f"S3Proxy did not answer within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.1)
    print(f"S3Proxy ready on 127.0.0.1:{port} in {time.monotonic() - began:.1f} s", file=sys.stderr)
    return f"http://127.0.0.1:{port}"


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
        print("S3Proxy ignored SIGTERM; sending SIGKILL", file=sys.stderr)
        os.kill(pid, signal.SIGKILL)
    (data / "s3proxy.pid").unlink(missing_ok=True)


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
            command.add_argument("--bucket", default=DEFAULT_BUCKET)
            command.add_argument("--endpoint-file", type=Path)
        if name == "stop":
            command.add_argument("--kill", action="store_true", help="SIGKILL at once")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        print(fetch())
        return 0
    data = args.data.resolve()
    if args.command == "start":
        endpoint = start(data, args.port, args.bucket)
        if args.endpoint_file:
            args.endpoint_file.write_text(endpoint, encoding="utf-8")
        print(endpoint)
        return 0
    if args.command == "stop":
        stop(data, hard=args.kill)
        return 0
    return 0 if (data / "port").exists() and answers(_read_port(data)) else 1


if __name__ == "__main__":
    sys.exit(main())
