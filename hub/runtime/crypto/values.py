"""Sealed state values: a component's stored row sealed under its subject's data key.

A component that keeps personal or sensitive content in its state (its changelog) seals the
value where it stores it and opens it where it reads it, under the data key of the subject
the row is about, so a shred (which retires the KEK that wrapped those keys) leaves the
changelog's copies as unreadable as the records'. A sealed value is
``casehub:enc:v1:<key id>:<base64(nonce ‖ AES-GCM(value))>``; its AAD binds it to the
municipality, the row's place (store and key) and the key id, so a value copied to another
row or municipality does not open. A value without the prefix is plain (written before
encryption was turned on) and is read as it is.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag

from hub.runtime.crypto.datakeys import DataKey, DataKeys
from hub.runtime.crypto.fields import SEALED_PREFIX, FieldTamperedError

__all__ = ["is_sealed", "open_value", "seal_value"]

_PREFIX: Final = SEALED_PREFIX.encode()
_NONCE: Final = 12
_KEY_ID_PARTS: Final = 3


def is_sealed(value: bytes) -> bool:
    """Whether ``value`` is a sealed state value (else it is plain)."""
    return value.startswith(_PREFIX)


async def seal_value(
    keys: DataKeys, municipality: str, subject: str, place: str, value: bytes
) -> bytes:
    """``value`` sealed under the data key of ``subject`` (a ``child_subject``/``case_subject``).

    Raises:
        TransientError: a new data key was not acknowledged; nothing is stored.

    """
    key = await keys.current(municipality, keys.subject(municipality, subject))
    nonce = secrets.token_bytes(_NONCE)
    sealed = nonce + key.aead.encrypt(nonce, value, _aad(key.key_id, municipality, place))
    return _PREFIX + key.key_id.encode() + b":" + base64.b64encode(sealed)


def open_value(keys: DataKeys, municipality: str, place: str, value: bytes) -> bytes:
    """The plain value of a sealed one (a plain one as it is).

    Raises:
        KeyShreddedError: its data key was destroyed: it can never be read.
        KeyUnavailableError: its data key is not here (yet).
        FieldTamperedError: it does not open under its key and place.

    """
    if not is_sealed(value):
        return value
    key_id, _, body = value[len(_PREFIX) :].partition(b":")
    parts = key_id.decode(errors="replace").split(".")
    if len(parts) != _KEY_ID_PARTS or parts[0] != municipality:
        msg = "field_tampered: a sealed state value names no key of this municipality"
        raise FieldTamperedError(msg)
    key: DataKey = keys.find(municipality, parts[1], parts[2])
    try:
        raw = base64.b64decode(body, validate=True)
        return key.aead.decrypt(raw[:_NONCE], raw[_NONCE:], _aad(key.key_id, municipality, place))
    except (InvalidTag, binascii.Error, ValueError):
        msg = "field_tampered: a sealed state value does not open under its key and place"
        raise FieldTamperedError(msg) from None


def _aad(key_id: str, municipality: str, place: str) -> bytes:
    return f"casehub-state-v1|{municipality}|{place}|{key_id}".encode()
