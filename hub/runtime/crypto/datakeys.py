"""Data keys: one AES-256 key per subject (a child, or a case without one), wrapped by the KEK.

A subject is named by its pseudonym (``hub.runtime.pseudonym``: HMAC-SHA256
under the municipality's subject key, letters only), so neither the key table nor a header
ever holds a CPR number, and nobody without the subject key can test a guessed one.

The wrapped keys live in the hub's global table ``keys`` (the compacted topic
``casehub.keys.global.<kommunekode>``, one partition, read whole by every instance and by the
hub's principal only: case systems have literal grants, never this prefix):

======================  =============================================================
row key                 value
======================  =============================================================
``dek/<subject>/<id>``  ``{"kek": <version>, "key": <base64 nonce + AES-GCM(dek)>}``;
                        the wrap's AAD binds it to municipality, subject, id, version
``shredded/<subject>``  the ids of the subject's destroyed data keys (JSON list)
======================  =============================================================

Each data key has a random id, so two instances that make one for the same subject at once
both keep theirs (a row per key, not a row per subject that the last writer would win). A
key is flushed to the table before the first record under it is published: a record is never
on the bus before its key. An instance makes at most one data key per subject and KEK version
while it runs (a restart makes another): a subject has a few keys, all shredded together.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Protocol, TypeVar

import structlog
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.runtime.crypto.keys import KEY_BYTES, Kek, KeyProvider
from hub.runtime.errors import PermanentError, TransientError
from hub.runtime.pseudonym import pseudonymiser

__all__ = [
    "KEY_TABLE",
    "DataKey",
    "DataKeys",
    "KeyShreddedError",
    "KeyTable",
    "KeyUnavailableError",
    "case_subject",
    "child_subject",
]

log = structlog.get_logger(__name__)

KEY_TABLE: Final = "keys"
"""The global table's name: group ``<group_prefix>.keys``, topics ``….keys.global.<kode>``."""
_NONCE: Final = 12
_K = TypeVar("_K")
_V = TypeVar("_V")
_CACHE: Final = 10_000  # data keys held unwrapped per instance (the hot subjects)


def child_subject(cpr: str) -> str:
    """What a child's pseudonym is made from (its CPR number's digits)."""
    return f"child:{cpr}"


def case_subject(case_id: str) -> str:
    """What a case's pseudonym is made from, for a record about no child."""
    return f"case:{case_id}"


class KeyUnavailableError(TransientError):
    """The record's data key is not (yet) here: the table's tail or a rotation is behind."""


class KeyShreddedError(PermanentError):
    """The record's data key was destroyed: its encrypted fields can never be read."""


class KeyTable(Protocol):
    """What the data keys need of their table (``GlobalTable`` fits; a dict-backed fake too)."""

    def get(self, municipality: str, key: str) -> bytes | None:
        """The value as this instance sees it."""

    def put(self, municipality: str, key: str, value: bytes) -> None:
        """Set it; durable after ``flush``."""

    def delete(self, municipality: str, key: str) -> None:
        """Remove it (a tombstone)."""

    def items(self, municipality: str) -> list[tuple[str, bytes]]:
        """Every row of one municipality."""

    async def flush(self) -> None:
        """Wait until every change is acknowledged."""


@dataclass(frozen=True)
class DataKey:
    """One subject's data key, unwrapped (the key never shown)."""

    municipality: str
    subject: str
    id: str
    kek_version: int
    aead: AESGCM = field(repr=False, compare=False)

    @property
    def key_id(self) -> str:
        """What the ``ce_keyid`` header carries: ``<kommunekode>.<subject>.<id>``."""
        return f"{self.municipality}.{self.subject}.{self.id}"


class DataKeys:
    """Makes, finds, rewraps and destroys the subjects' data keys of every municipality."""

    def __init__(self, table: KeyTable, provider: KeyProvider, *, cache: int = _CACHE) -> None:
        self._table = table
        self._provider = provider
        self._cache = cache
        self._pseudonyms: dict[str, Callable[[str], str]] = {}
        self._current: OrderedDict[tuple[str, str], DataKey] = OrderedDict()
        self._unwrapped: OrderedDict[tuple[str, str, str, bytes], DataKey] = OrderedDict()
        self._making: dict[tuple[str, str], asyncio.Future[DataKey]] = {}

    def __repr__(self) -> str:
        return "DataKeys(...)"

    def subject(self, municipality: str, name: str) -> str:
        """The pseudonym of ``name`` (``child_subject``/``case_subject``) in a municipality."""
        pseudonym = self._pseudonyms.get(municipality)
        if pseudonym is None:
            pseudonym = pseudonymiser(self._provider.subject_key(municipality))
            self._pseudonyms[municipality] = pseudonym
        return pseudonym(name)

    async def current(self, municipality: str, subject: str) -> DataKey:
        """The key new records of ``subject`` are encrypted with (made and flushed if none).

        Raises:
            TransientError: the new key was not acknowledged by the broker.
            KeyFileError: the municipality has no KEK.

        """
        kek = self._provider.current(municipality)
        key = self._current.get((municipality, subject))
        # Still in the table: a key shredded meanwhile (by the CLI) is never used again.
        if (
            key is not None
            and key.kek_version == kek.version
            and self._table.get(municipality, _row(subject, key.id)) is not None
        ):
            self._current.move_to_end((municipality, subject))
            return key
        # Concurrent publishes for one new subject wait for one key, not make one each.
        making = self._making.get((municipality, subject))
        if making is not None:
            return await asyncio.shield(making)
        making = asyncio.get_running_loop().create_future()
        self._making[municipality, subject] = making
        try:
            key = await self._make(kek, subject)
        except BaseException as exc:
            making.set_exception(exc)
            making.exception()  # retrieved: a waiter-less failure is not "never retrieved"
            raise
        finally:
            del self._making[municipality, subject]
        making.set_result(key)
        _remember(self._current, (municipality, subject), key, self._cache)
        return key

    async def _make(self, kek: Kek, subject: str) -> DataKey:
        dek, key_id = secrets.token_bytes(KEY_BYTES), secrets.token_hex(8)
        row = _wrap(kek, subject, key_id, dek)
        self._table.put(kek.municipality, _row(subject, key_id), row)
        await self._table.flush()  # before any record under it is published
        return DataKey(kek.municipality, subject, key_id, kek.version, AESGCM(dek))

    def find(self, municipality: str, subject: str, key_id: str) -> DataKey:
        """The data key a record names, unwrapped.

        Raises:
            KeyShreddedError: it was destroyed.
            KeyUnavailableError: it is not in the table (yet), or its KEK version is not
                here; try again later.

        """
        raw = self._table.get(municipality, _row(subject, key_id))
        if raw is None:
            if key_id in self.shredded(municipality, subject):
                msg = "key_shredded: the subject's data key was destroyed"
                raise KeyShreddedError(msg)
            msg = "key_unavailable: no such data key in the key table (yet)"
            raise KeyUnavailableError(msg)
        cached = self._unwrapped.get((municipality, subject, key_id, raw))
        if cached is not None:
            return cached
        version, wrapped = _parse(raw)
        kek = self._provider.kek(municipality, version)
        if kek is None:
            msg = f"key_unavailable: key-encryption key {municipality}/v{version} is not here"
            raise KeyUnavailableError(msg)
        dek = _unwrap(kek, subject, key_id, wrapped)
        key = DataKey(municipality, subject, key_id, version, AESGCM(dek))
        _remember(self._unwrapped, (municipality, subject, key_id, raw), key, self._cache)
        return key

    @staticmethod
    def kek_version(raw: bytes) -> int:
        """The KEK version a ``dek/`` row's value is wrapped under."""
        return _parse(raw)[0]

    def shredded(self, municipality: str, subject: str) -> frozenset[str]:
        """The ids of the subject's destroyed data keys."""
        raw = self._table.get(municipality, f"shredded/{subject}")
        return frozenset(json.loads(raw)) if raw else frozenset()

    async def shred(self, municipality: str, subject: str) -> int:
        """Destroy every data key of ``subject``: tombstones, and the ids kept as shredded.

        The wrapped keys stay in the topic's older segments until compaction: ``casehub keys
        shred`` then retires the KEK versions that wrapped them (docs/encryption.md).

        Raises:
            TransientError: the broker did not take the change; run it again.

        """
        prefix = f"dek/{subject}/"
        ids = [
            key[len(prefix) :]
            for key, _ in self._table.items(municipality)
            if key.startswith(prefix)
        ]
        gone = sorted(self.shredded(municipality, subject) | set(ids))
        self._table.put(municipality, f"shredded/{subject}", json.dumps(gone).encode())
        for key_id in ids:
            self._table.delete(municipality, _row(subject, key_id))
        await self._table.flush()
        self._current.pop((municipality, subject), None)
        for cached in [k for k in self._unwrapped if k[0] == municipality and k[1] == subject]:
            del self._unwrapped[cached]
        return len(ids)

    async def rewrap(self, municipality: str) -> tuple[int, int]:
        """Wrap every data key under the newest KEK; ``(rewrapped, lost)``.

        A key whose KEK version is gone already cannot be rewrapped: it is counted as lost
        (its records were unreadable before this) and left as it is.

        Raises:
            TransientError: the broker did not take the changes; run it again.

        """
        kek = self._provider.current(municipality)
        rewrapped = lost = 0
        for key, raw in self._table.items(municipality):
            if not key.startswith("dek/"):
                continue
            version, wrapped = _parse(raw)
            if version == kek.version:
                continue
            _, subject, key_id = key.split("/", 2)
            old = self._provider.kek(municipality, version)
            if old is None:
                lost += 1
                continue
            dek = _unwrap(old, subject, key_id, wrapped)
            self._table.put(municipality, key, _wrap(kek, subject, key_id, dek))
            rewrapped += 1
        await self._table.flush()
        self._current.clear()
        return rewrapped, lost


def _row(subject: str, key_id: str) -> str:
    return f"dek/{subject}/{key_id}"


def _aad(kek: Kek, subject: str, key_id: str) -> bytes:
    return f"casehub-dek-v1|{kek.municipality}|{subject}|{key_id}|{kek.version}".encode()


def _wrap(kek: Kek, subject: str, key_id: str, dek: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    wrapped = nonce + AESGCM(kek.key).encrypt(nonce, dek, _aad(kek, subject, key_id))
    return json.dumps({"kek": kek.version, "key": base64.b64encode(wrapped).decode()}).encode()


def _parse(raw: bytes) -> tuple[int, bytes]:
    row = json.loads(raw)
    return int(row["kek"]), base64.b64decode(row["key"])


def _unwrap(kek: Kek, subject: str, key_id: str, wrapped: bytes) -> bytes:
    try:
        return AESGCM(kek.key).decrypt(
            wrapped[:_NONCE], wrapped[_NONCE:], _aad(kek, subject, key_id)
        )
    except InvalidTag:
        msg = f"key_unavailable: a data key does not unwrap under {kek.id}"
        raise KeyUnavailableError(msg) from None


def _remember(cache: OrderedDict[_K, _V], key: _K, value: _V, limit: int) -> None:
    cache[key] = value
    while len(cache) > limit:
        cache.popitem(last=False)
