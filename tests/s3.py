"""The tests' real S3-compatible server: S3Proxy from ``deploy/local/s3proxy.py``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from adapters.documents.settings import S3Settings

__all__ = ["S3Server", "s3_server"]

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "local" / "s3proxy.py"


@dataclass(frozen=True)
class S3Server:
    """Where the server listens and the credential files it was started with."""

    endpoint: str
    data: Path

    def settings(self, bucket: str, **changes: object) -> S3Settings:
        values: dict[str, object] = {
            "endpoint": self.endpoint,
            "bucket": bucket,
            "region": "us-east-1",
            "access_key_id_file": self.data / "access_key_id",
            "secret_access_key_file": self.data / "secret_access_key",
            "timeout_s": 5.0,
            "max_attempts": 2,
        }
        return S3Settings.model_validate(values | changes)


@contextmanager
def s3_server(data: Path) -> Iterator[S3Server]:
    """Start S3Proxy on a free loopback port for the session; stop it afterwards."""
    started = subprocess.run(
        [sys.executable, str(SCRIPT), "start", "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        yield S3Server(endpoint=started.stdout.strip(), data=data)
    finally:
        subprocess.run([sys.executable, str(SCRIPT), "stop", "--data", str(data)], check=True)
