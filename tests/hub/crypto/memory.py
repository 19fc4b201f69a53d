"""A key table in memory for offline crypto tests: what ``GlobalTable`` offers, and its log.

``log`` keeps every value ever written, as a compacted topic does before its cleaner runs:
the shredding tests read it as an attacker with the topic would.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from hub.runtime.crypto import DataKeys, FieldCrypto, KeyDirectory


class MemoryKeyTable:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], bytes] = {}
        self.log: list[tuple[str, str, bytes | None]] = []
        self.flushes = 0

    def get(self, municipality: str, key: str) -> bytes | None:
        return self.rows.get((municipality, key))

    def put(self, municipality: str, key: str, value: bytes) -> None:
        self.rows[municipality, key] = value
        self.log.append((municipality, key, value))

    def delete(self, municipality: str, key: str) -> None:
        self.rows.pop((municipality, key), None)
        self.log.append((municipality, key, None))

    def items(self, municipality: str) -> list[tuple[str, bytes]]:
        return sorted((k, v) for (code, k), v in self.rows.items() if code == municipality)

    async def flush(self) -> None:
        self.flushes += 1
        await asyncio.sleep(0)  # a broker round trip: other publishes run meanwhile


def crypto_on(key_dir: Path, *municipalities: str, personal: bool = False):
    """A FieldCrypto on a memory table, each municipality with its first KEK."""
    provider = KeyDirectory(key_dir, rescan_s=0.0)
    for code in municipalities:
        provider.rotate(code)
    table = MemoryKeyTable()
    return FieldCrypto(DataKeys(table, provider), personal=personal), provider, table
