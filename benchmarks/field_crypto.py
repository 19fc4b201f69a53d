"""What field encryption costs the hub per record: publish and consume seams, with and without.

python -m benchmarks.field_crypto  [--count N] [--personal]

No broker: it times the hub's own work per record at the two seams, in one run, against a
baseline measured beside it. Publish is ``to_kafka`` (plus ``FieldCrypto.seal`` when on);
consume is ``decode_record`` (``FieldCrypto.decode`` when on: open, then validate). Data keys
are made once per subject and then cached, as in a running hub; the subjects are spread over
``--subjects`` children. It prints the time per record and the ratio on/off.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from contracts.binding import KafkaRecord, to_kafka
from contracts.envelope import new_event
from contracts.intake import NotificationReceived
from hub.conformance.people import cpr_for
from hub.runtime.codec import decode_record
from hub.runtime.crypto import DataKeys, FieldCrypto, KeyDirectory


class _Table:
    """A key table in memory (the benchmark times the crypto, not Kafka)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], bytes] = {}

    def get(self, municipality: str, key: str) -> bytes | None:
        return self.rows.get((municipality, key))

    def put(self, municipality: str, key: str, value: bytes) -> None:
        self.rows[municipality, key] = value

    def delete(self, municipality: str, key: str) -> None:
        self.rows.pop((municipality, key), None)

    def items(self, municipality: str) -> list[tuple[str, bytes]]:
        return sorted((k, v) for (code, k), v in self.rows.items() if code == municipality)

    async def flush(self) -> None:
        return None


def _events(count: int, subjects: int) -> list:  # type: ignore[type-arg]
    children = [
        cpr_for(dt.date(2015, 1, 1) + dt.timedelta(days=n), 100 + n) for n in range(subjects)
    ]
    return [
        new_event(
            NotificationReceived.model_validate(
                {
                    "notification_id": f"n-bench{n}x",
                    "received_at": "2026-11-02T09:30:00+00:00",
                    "child_cpr": children[n % subjects],
                    "notifier": {"kind": "professional", "relation": "school", "organisation": "S"},
                    "reasons": ["neglect"],
                    "channel": "eform",
                    "summary": "Synthetic benchmark notification text. " * 20,
                },
                strict=False,
            ),
            source="urn:casehub:bench",
            municipality="101",
            case_id=f"C-bench{n}x",
        )
        for n in range(count)
    ]


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    """Print per-record times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--subjects", type=int, default=50)
    parser.add_argument("--personal", action="store_true")
    options = parser.parse_args()
    events = _events(options.count, options.subjects)
    with tempfile.TemporaryDirectory() as directory:
        provider = KeyDirectory(Path(directory))
        provider.rotate("101")
        crypto = FieldCrypto(DataKeys(_Table(), provider), personal=options.personal)
        loop = asyncio.new_event_loop()

        def seal_all() -> list[KafkaRecord]:
            return [loop.run_until_complete(crypto.seal(e, to_kafka(e))) for e in events]

        def plain_all() -> list[KafkaRecord]:
            return [loop.run_until_complete(_plain(e)) for e in events]

        seal_all()  # the data keys made and cached, as in a hub that has run a while
        plain_s = _timed(plain_all)
        sealed: list[KafkaRecord] = []
        sealed_s = _timed(lambda: sealed.extend(seal_all()))
        plain = [to_kafka(e) for e in events]
        decode_s = _timed(lambda: [decode_record(r.headers, r.value) for r in plain])
        open_s = _timed(lambda: [crypto.decode(r.headers, r.value) for r in sealed])
        loop.close()
    out = sys.stdout
    per = 1e6 / options.count
    out.write(
        f"{options.count} records, {options.subjects} subjects, personal={options.personal}\n"
    )
    for seam, off, on, word in (
        ("publish", plain_s, sealed_s, "sealed"),
        ("consume", decode_s, open_s, "opened"),
    ):
        out.write(
            f"{seam}  plain {off * per:7.1f} us  {word} {on * per:7.1f} us  ratio {on / off:.2f}\n"
        )
    both = (sealed_s + open_s) / (plain_s + decode_s)
    out.write(f"publish+consume ratio {both:.2f}\n")


async def _plain(event: object) -> KafkaRecord:
    return to_kafka(event)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
