"""Field-level encryption: KEKs per municipality, data keys per subject, sealing on the bus."""

from hub.runtime.crypto.datakeys import (
    KEY_TABLE,
    DataKey,
    DataKeys,
    KeyShreddedError,
    KeyTable,
    KeyUnavailableError,
    case_subject,
    child_subject,
)
from hub.runtime.crypto.fields import (
    KEY_HEADER,
    SEALED_PREFIX,
    FieldCrypto,
    FieldTamperedError,
    sealed_fields,
)
from hub.runtime.crypto.keys import (
    KEY_BYTES,
    Kek,
    KeyDirectory,
    KeyFileError,
    KeyProvider,
    KeyReadError,
)
from hub.runtime.crypto.settings import EncryptionSettings
from hub.runtime.crypto.values import is_sealed, open_value, seal_value

__all__ = [
    "KEY_BYTES",
    "KEY_HEADER",
    "KEY_TABLE",
    "SEALED_PREFIX",
    "DataKey",
    "DataKeys",
    "EncryptionSettings",
    "FieldCrypto",
    "FieldTamperedError",
    "Kek",
    "KeyDirectory",
    "KeyFileError",
    "KeyProvider",
    "KeyReadError",
    "KeyShreddedError",
    "KeyTable",
    "KeyUnavailableError",
    "case_subject",
    "child_subject",
    "is_sealed",
    "open_value",
    "seal_value",
    "sealed_fields",
]
