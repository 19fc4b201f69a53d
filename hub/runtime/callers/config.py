"""Who the callers are: their settings, their secrets read from files, their municipalities."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import Kommunekode

__all__ = [
    "MIN_SECRET_BYTES",
    "Caller",
    "CallerSettings",
    "SecretFileError",
    "is_caller_id",
    "load_callers",
]

MIN_SECRET_BYTES: Final = 32
"""A secret's least length: 256 bits, HMAC-SHA256's own strength."""

_CALLER_ID: Final = re.compile(r"[a-z][a-z0-9-]{0,62}", re.ASCII)


def is_caller_id(text: str) -> bool:
    """True for a caller id: lower-case letters, digits, hyphens, a letter first (never a CPR)."""
    return _CALLER_ID.fullmatch(text) is not None


class SecretFileError(ValueError):
    """A caller's secret file cannot be used (missing, unreadable, too short)."""


class CallerSettings(BaseModel):
    """One caller in ``CASEHUB_CALLERS``: where its secret is, and for whom it may act."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    secret_file: Path = Field(description="File holding the shared secret (at least 32 bytes).")
    next_secret_file: Path | None = Field(
        default=None, description="A second secret, accepted too while the caller's is rotated."
    )
    municipalities: tuple[Kommunekode, ...] = Field(
        min_length=1, description="The municipalities this caller may post for."
    )


@dataclass(frozen=True)
class Caller:
    """A configured caller: its id, its municipalities and its secrets (never shown)."""

    id: str
    municipalities: frozenset[str]
    secrets: tuple[bytes, ...] = field(repr=False)

    def may_act_for(self, municipality: str) -> bool:
        """True when the caller is bound to ``municipality``."""
        return municipality in self.municipalities


def load_callers(callers: Mapping[str, CallerSettings]) -> dict[str, Caller]:
    """Read every caller's secrets from their files (at startup: a bad file stops the hub).

    Raises:
        SecretFileError: a secret file is missing, unreadable or too short; the message names the
            setting and the file, never a byte of its content.

    """
    loaded = {}
    for caller_id, settings in callers.items():
        files = [settings.secret_file, *filter(None, [settings.next_secret_file])]
        secrets = tuple(_read_secret(caller_id, path) for path in files)
        loaded[caller_id] = Caller(caller_id, frozenset(settings.municipalities), secrets)
    return loaded


def _read_secret(caller_id: str, path: Path) -> bytes:
    setting = f"CASEHUB_CALLERS[{caller_id}]"
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        msg = f"{setting}: cannot read the secret file {path} ({type(exc).__name__})"
        raise SecretFileError(msg) from None
    if len(secret) < MIN_SECRET_BYTES:
        msg = f"{setting}: the secret in {path} is shorter than {MIN_SECRET_BYTES} bytes"
        raise SecretFileError(msg)
    return secret
