"""How much larger a whole quarantine copy is than its record: prints figures, no broker.

python -m benchmarks.quarantine_copy  [--limit BYTES]

For records at the business topics' limit (``CASEHUB_MAX_RECORD_BYTES``) whose headers take
a growing share, it prints the record's size and its quarantine copy's as aiokafka's
producer counts them (the size the producer's ``max_request_size`` is held against), with
the header FastStream adds, and how the copy compares with the quarantine topics' limit.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from aiokafka.record.default_records import DefaultRecordBatchBuilder

from hub.runtime.provision import DEFAULT_MAX_RECORD_BYTES
from hub.runtime.quarantine import quarantine_limit, whole_copy

_ENVELOPE = [
    ("content-type", b"application/json"),
    ("ce_id", str(uuid.uuid4()).encode()),
    ("ce_source", b"urn:casehub:hub:eform"),
    ("ce_type", b"dk.casehub.person.lookup-requested"),
    ("ce_specversion", b"1.0"),
    ("ce_time", datetime.now(UTC).isoformat().encode()),
    ("ce_municipality", b"101"),
    ("ce_caseid", b"N-2026-000123"),
    ("ce_classification", b"personal"),
    ("ce_contractversion", b"1"),
]


def _estimate(key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> int:
    size: int = DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, list(headers))
    return size


def main() -> None:
    """Print one line per header share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=DEFAULT_MAX_RECORD_BYTES)
    limit = parser.parse_args().limit
    quarantine = quarantine_limit(limit)
    out = sys.stdout
    out.write(f"record limit {limit}, quarantine limit {quarantine}\n")
    out.write("headers  shape           record    copy      copy/record  copy/quarantine\n")
    key = b"N-2026-000123"
    for share in (0.0, 0.02, 0.1, 0.5, 0.9):
        for shape, piece in (("one header", 0), ("1 kB each", 1000)):
            in_headers = int(limit * share)
            extra: list[tuple[str, bytes]] = []
            if in_headers and piece:
                extra = [(f"x-{n:05}", b"h" * (piece - 7)) for n in range(in_headers // piece)]
            elif in_headers:
                extra = [("x-trace", b"h" * in_headers)]
            headers = [*_ENVELOPE, *extra]
            value = b"v" * (limit - 1024 - in_headers)
            record = SimpleNamespace(
                topic="casehub.101.person.v1", partition=0, offset=0,
                key=key, value=value, headers=headers,
            )  # fmt: skip
            copy = whole_copy(record, error="ContractError", reason="data.cpr: not a CPR number",
                              group="casehub.cpr", at=datetime.now(UTC))  # fmt: skip
            sent = [(n, v.encode()) for n, v in copy.headers.items()]
            sent.append(("correlation_id", str(uuid.uuid4()).encode()))
            size = _estimate(key, value, headers)
            copied = _estimate(copy.key, copy.value, sent)
            out.write(
                f"{share:>6.0%}   {shape:<14} {size:>9} {copied:>9} {copied / size:>9.2f}x"
                f" {copied / quarantine:>12.2f}\n"
            )


if __name__ == "__main__":
    main()
