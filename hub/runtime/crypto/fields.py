"""Field encryption on the bus: sealed where the hub publishes, opened before validation.

Components and contracts never see a ciphertext: the publisher seals, the delivery opens.

A sealed record carries ``ce_keyid`` (``<kommunekode>.<subject>.<data key id>``) and, in
place of each sealed field's JSON value, the string ``casehub:enc:v1:<base64>``: a 12-byte
nonce and the AES-GCM ciphertext of the value's JSON. The AAD binds it to the municipality,
the event id, the field's name and the key id, so a value copied into another record, another
field or another municipality's record does not open.

===============================================  ==========================================
what a consumed record is                        what ``open`` does
===============================================  ==========================================
no ``ce_keyid`` (a case system's record: they    nothing: validated as it is
publish plain)
sealed, its data key here                        the fields opened, ``ce_keyid`` removed
sealed, its data key destroyed                   ``KeyShreddedError`` (quarantined,
                                                 ``key_shredded``)
sealed, its data key not here (yet)              ``KeyUnavailableError`` (transient: retried,
                                                 quarantined ``key_unavailable`` at the end)
a sealed value that does not open (moved,        ``FieldTamperedError`` (quarantined,
changed, another municipality's key)             ``field_tampered``, naming the field)
===============================================  ==========================================
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import secrets
from collections.abc import Sequence
from typing import Any, Final

from cryptography.exceptions import InvalidTag

from contracts.base import Contract
from contracts.binding import KafkaRecord
from contracts.classification import CLASSIFICATION_KEY, Classification
from contracts.cpr import Cpr
from contracts.envelope import Event
from hub.runtime.codec import decode_record
from hub.runtime.crypto.datakeys import DataKey, DataKeys, case_subject, child_subject
from hub.runtime.errors import PermanentError

__all__ = ["KEY_HEADER", "SEALED_PREFIX", "FieldCrypto", "FieldTamperedError", "sealed_fields"]

KEY_HEADER: Final = "ce_keyid"
SEALED_PREFIX: Final = "casehub:enc:v1:"
_NONCE: Final = 12
_KEY_ID_PARTS: Final = 3
_FIELD_NAME: Final = re.compile(r"[a-z][a-z_]{0,63}")  # never a digit run (a CPR number)


class FieldTamperedError(PermanentError):
    """A sealed value does not open under the key and place its record names."""


@functools.cache
def sealed_fields(contract: type[Contract], least: Classification) -> tuple[str, ...]:
    """The top-level fields of ``contract`` whose own classification is ``least`` or more.

    A nested model's field is classified as a whole (``classified`` on the field that holds
    it), so the top level decides.
    """
    names = []
    for name, info in contract.model_fields.items():
        extra: Any = info.json_schema_extra
        level = Classification(extra[CLASSIFICATION_KEY]) if isinstance(extra, dict) else None
        if level is None or level.rank < least.rank:
            continue
        names.append(info.alias or name)
    return tuple(names)


class FieldCrypto:
    """Seals a published record's classified fields and opens a consumed record's."""

    def __init__(self, keys: DataKeys, *, personal: bool = False) -> None:
        self.keys = keys
        # Sensitive fields always; personal ones (CPR numbers, names) where configured.
        self.least = Classification.PERSONAL if personal else Classification.SENSITIVE

    def __repr__(self) -> str:
        return f"FieldCrypto(least={self.least.value})"

    async def seal(self, event: Event[Contract], record: KafkaRecord) -> KafkaRecord:
        """``record`` with its classified fields sealed under its subject's data key.

        Raises:
            TransientError: a new data key was not acknowledged; nothing is published.

        """
        names = sealed_fields(type(event.data), self.least)
        if not names:
            return record
        envelope = event.envelope
        child = getattr(event.data, "child_cpr", None)
        subject = self.keys.subject(
            envelope.municipality,
            child_subject(child.reveal())
            if isinstance(child, Cpr)
            else case_subject(envelope.caseid),
        )
        key = await self.keys.current(envelope.municipality, subject)
        data = json.loads(record.value)
        for name in names:
            if name in data:
                data[name] = _seal(key, envelope.id, name, data[name])
        value = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        headers = (*record.headers, (KEY_HEADER, key.key_id.encode()))
        return KafkaRecord(key=record.key, value=value, headers=headers)

    def open(
        self, headers: Sequence[tuple[str, bytes | None]], value: bytes | None
    ) -> tuple[list[tuple[str, bytes | None]], bytes | None]:
        """The record's headers and value with its sealed fields opened (see the module doc).

        Raises:
            KeyShreddedError: its data key was destroyed.
            KeyUnavailableError: its data key is not here yet.
            FieldTamperedError: a sealed value, or the key id, does not fit this record.

        """
        named = [value_ for name, value_ in headers if name == KEY_HEADER]
        if not named:
            return list(headers), value
        rest = [(name, value_) for name, value_ in headers if name != KEY_HEADER]
        attributes = {name: value_ for name, value_ in rest if name in {"ce_id", "ce_municipality"}}
        municipality = _text(attributes.get("ce_municipality"))
        event_id = _text(attributes.get("ce_id"))
        parts = _text(named[0]).split(".")
        if len(named) > 1 or len(parts) != _KEY_ID_PARTS or parts[0] != municipality:
            msg = "field_tampered: header ce_keyid does not name a key of this municipality"
            raise FieldTamperedError(msg)
        key = self.keys.find(municipality, parts[1], parts[2])
        try:
            data = json.loads(value or b"")
        except ValueError:
            return rest, value  # not JSON: the contract check says so
        if isinstance(data, dict):
            for name, sealed in data.items():
                if isinstance(sealed, str) and sealed.startswith(SEALED_PREFIX):
                    data[name] = _open(key, event_id, name, sealed)
        return rest, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

    def decode(
        self, headers: Sequence[tuple[str, bytes | None]], value: bytes | None
    ) -> Event[Contract]:
        """Open, then validate: the delivery's decoder when encryption is on."""
        opened, plain = self.open(headers, value)
        return decode_record(opened, plain)


def _aad(key: DataKey, event_id: str, name: str) -> bytes:
    return f"casehub-field-v1|{key.municipality}|{event_id}|{name}|{key.key_id}".encode()


def _seal(key: DataKey, event_id: str, name: str, value: object) -> str:
    nonce = secrets.token_bytes(_NONCE)
    plain = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    sealed = nonce + key.aead.encrypt(nonce, plain, _aad(key, event_id, name))
    return SEALED_PREFIX + base64.b64encode(sealed).decode()


def _open(key: DataKey, event_id: str, name: str, sealed: str) -> object:
    try:
        raw = base64.b64decode(sealed[len(SEALED_PREFIX) :], validate=True)
        plain = key.aead.decrypt(raw[:_NONCE], raw[_NONCE:], _aad(key, event_id, name))
        return json.loads(plain)
    except (InvalidTag, binascii.Error, ValueError):
        # The field's name only: it is a contract field's (a hostile one is not repeated).
        where = name if _FIELD_NAME.fullmatch(name) else "a field"
        msg = f"field_tampered: data.{where} does not open under its record's key and place"
        raise FieldTamperedError(msg) from None


def _text(raw: bytes | None) -> str:
    try:
        return (raw or b"").decode()
    except UnicodeDecodeError:
        return ""
