"""Key-encryption keys (KEKs): one per municipality, in numbered versions, behind a port.

A KEK's id is its municipality and version (``101/v2``). The newest version wraps new data
keys; older versions unwrap what they wrapped until they are destroyed (``casehub keys
shred`` destroys every version but the newest, see docs/encryption.md). Each municipality
also has a subject key: the HMAC key that turns a child's CPR number (or a case id) into
the pseudonym its data keys are filed under; it never rotates, so a pseudonym is stable.

The file-based default (``KeyDirectory``) keeps ``<dir>/<kode>/kek-<version>.key`` and
``<dir>/<kode>/subject.key``: 32 random bytes, base64, readable by the owner only (0600),
as the callers' secret files. A file that cannot be used ends the hub in one line naming
``CASEHUB_ENCRYPTION``, never a byte of the key. Once running, a read that fails with an
I/O error (a remounted secret, an NFS hiccup) is a ``KeyReadError``: transient, so the
record is retried rather than quarantined.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from hub.runtime.errors import TransientError

__all__ = ["KEY_BYTES", "Kek", "KeyDirectory", "KeyFileError", "KeyProvider", "KeyReadError"]

KEY_BYTES: Final = 32
"""AES-256 keys and HMAC-SHA256 keys alike."""
_SETTING: Final = "CASEHUB_ENCRYPTION"
_KEK_FILE: Final = re.compile(r"kek-([1-9][0-9]{0,5})\.key")
_SUBJECT_FILE: Final = "subject.key"


class KeyFileError(ValueError):
    """A key file cannot be used (missing, unreadable, open to others, not a 32-byte key)."""


class KeyReadError(TransientError):
    """A key file or directory could not be read now (an I/O error): try again later."""


@dataclass(frozen=True)
class Kek:
    """One version of a municipality's key-encryption key (the bytes never shown)."""

    municipality: str
    version: int
    key: bytes = field(repr=False)

    @property
    def id(self) -> str:
        """``<kommunekode>/v<version>``: what a wrapped data key names."""
        return f"{self.municipality}/v{self.version}"


class KeyProvider(Protocol):
    """Where the KEKs and subject keys come from (a directory here; a KMS could be another)."""

    def current(self, municipality: str) -> Kek:
        """The newest KEK: it wraps new data keys.

        Raises:
            KeyFileError: the municipality has no usable KEK.

        """

    def kek(self, municipality: str, version: int) -> Kek | None:
        """One version, or None when it does not exist (any more)."""

    def versions(self, municipality: str) -> tuple[int, ...]:
        """The versions that exist, oldest first."""

    def subject_key(self, municipality: str) -> bytes:
        """The HMAC key of the municipality's subject pseudonyms.

        Raises:
            KeyFileError: it is missing or unusable.

        """

    def rotate(self, municipality: str) -> Kek:
        """Make a new newest version (the first, for a new municipality) and return it."""

    def destroy(self, municipality: str, version: int) -> None:
        """Destroy one version: what only it wrapped can never be unwrapped again."""


class KeyDirectory:
    """``KeyProvider`` on a directory of key files (a mounted secret, shared by instances).

    The versions are read again every ``rescan_s`` (and at once, at most once a second, when
    a version is asked for that was not there), so a rotation or destruction by the CLI on
    any host that shares the directory reaches every running instance.
    """

    def __init__(self, root: Path, *, rescan_s: float = 10.0) -> None:
        self._root = root
        self._rescan_s = rescan_s
        self._keks: dict[str, dict[int, bytes]] = {}
        self._scanned: dict[str, float] = {}

    def __repr__(self) -> str:
        return "KeyDirectory(...)"  # the path is configuration, not for logs

    # reading ---------------------------------------------------------------------------

    def current(self, municipality: str) -> Kek:
        """The newest KEK (see ``KeyProvider``)."""
        keks = self._versions(municipality, fresh_after=self._rescan_s)
        if not keks:
            keks = self._versions(municipality, fresh_after=0.0)
        if not keks:
            msg = f"{_SETTING}: no key-encryption key for municipality {municipality}"
            raise KeyFileError(msg)
        version = max(keks)
        return Kek(municipality, version, keks[version])

    def kek(self, municipality: str, version: int) -> Kek | None:
        """One version, or None (see ``KeyProvider``)."""
        keks = self._versions(municipality, fresh_after=self._rescan_s)
        if version not in keks:
            keks = self._versions(municipality, fresh_after=1.0)
        key = keks.get(version)
        return None if key is None else Kek(municipality, version, key)

    def versions(self, municipality: str) -> tuple[int, ...]:
        """The versions on disk now, oldest first."""
        return tuple(sorted(self._versions(municipality, fresh_after=0.0)))

    def subject_key(self, municipality: str) -> bytes:
        """The subject pseudonym key (see ``KeyProvider``)."""
        return _read_key(self._dir(municipality) / _SUBJECT_FILE)

    def check(self, municipalities: tuple[str, ...]) -> None:
        """Read every served municipality's keys once (at start: a bad file stops the hub).

        Raises:
            KeyFileError: a key file is missing or unusable; the message names the setting.

        """
        for code in municipalities:
            try:
                self.current(code)
                self.subject_key(code)
            except KeyReadError as exc:  # at start, not worth a retry: one clear line
                raise KeyFileError(str(exc)) from None

    def _versions(self, municipality: str, *, fresh_after: float) -> dict[int, bytes]:
        now = time.monotonic()
        if now - self._scanned.get(municipality, -1e9) >= fresh_after:
            self._keks[municipality] = self._scan(municipality)
            self._scanned[municipality] = now
        return self._keks[municipality]

    def _scan(self, municipality: str) -> dict[int, bytes]:
        directory = self._dir(municipality)
        try:
            names = [entry.name for entry in directory.iterdir()]
        except FileNotFoundError:
            return {}
        except OSError as exc:
            error = type(exc).__name__
            msg = f"{_SETTING}: cannot list the key directory of {municipality} ({error})"
            raise KeyReadError(msg) from None
        found = {}
        for name in names:
            match = _KEK_FILE.fullmatch(name)
            if match is not None:
                found[int(match.group(1))] = _read_key(directory / name)
        return found

    def _dir(self, municipality: str) -> Path:
        if not re.fullmatch(r"[0-9]{3}", municipality):
            msg = "a municipality is a three-digit kommunekode"
            raise ValueError(msg)
        return self._root / municipality

    # changing --------------------------------------------------------------------------

    def rotate(self, municipality: str) -> Kek:
        """Write the next version (and the subject key, when the municipality is new)."""
        directory = self._dir(municipality)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        subject = directory / _SUBJECT_FILE
        if not subject.exists():
            _write_key(subject, secrets.token_bytes(KEY_BYTES))
        version = max(self._scan(municipality), default=0) + 1
        key = secrets.token_bytes(KEY_BYTES)
        _write_key(directory / f"kek-{version}.key", key)
        self._scanned.pop(municipality, None)
        return Kek(municipality, version, key)

    def destroy(self, municipality: str, version: int) -> None:
        """Overwrite the version's file, then remove it.

        The overwrite is best effort: a copy-on-write or wear-levelled disk, or a backup,
        may keep the old blocks. Keep the key directory out of backups (docs/encryption.md).
        """
        path = self._dir(municipality) / f"kek-{version}.key"
        try:
            size = path.stat().st_size
            with path.open("r+b") as file:
                file.write(b"\0" * size)
                file.flush()
                os.fsync(file.fileno())
            path.unlink()
        except FileNotFoundError:
            pass  # destroyed already (a shred run again)
        self._scanned.pop(municipality, None)


def _write_key(path: Path, key: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(base64.b64encode(key) + b"\n")
        file.flush()
        os.fsync(file.fileno())


def _read_key(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        text = path.read_bytes().strip()
    except FileNotFoundError:
        msg = f"{_SETTING}: the key file {path.name} is missing"
        raise KeyFileError(msg) from None
    except OSError as exc:
        msg = f"{_SETTING}: cannot read the key file {path.name} ({type(exc).__name__})"
        raise KeyReadError(msg) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        msg = f"{_SETTING}: the key file {path.name} is open to others (chmod 600 it)"
        raise KeyFileError(msg)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        msg = f"{_SETTING}: the key file {path.name} does not hold a {KEY_BYTES}-byte key (base64)"
        raise KeyFileError(msg)
    return key
