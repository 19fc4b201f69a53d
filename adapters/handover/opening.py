"""Open a package: decrypt it with our key, verify the sender's signature and chain, read it.

The checks, in order, each ending in one ``Refusal``: the package's shape (``MALFORMED``);
that it is for one of our municipalities and our certificate (``WRONG_RECIPIENT``); the
encryption's tag (``TAMPERED``); the signer's chain to a trusted CA and its validity
(``UNKNOWN_CA``, ``CERTIFICATE_EXPIRED``, ``CERTIFICATE_NOT_YET_VALID``); the signature
(``TAMPERED``); that the signer is the sending municipality's certificate
(``UNKNOWN_SENDER``); that the sender meant us (``WRONG_RECIPIENT``); the manifest itself
(``MALFORMED``) and every document's bytes against its reference (``TAMPERED``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.handover.jose import OAEP_256, from_b64url, header_of
from adapters.handover.jws import json_object, verify_jws
from adapters.handover.keys import Identity, Keyring, thumbprint
from adapters.handover.manifest import HandoverManifest
from adapters.handover.refusal import PackageRefusedError, Refusal
from adapters.handover.sealing import JWE_TYPE, JWS_TYPE

__all__ = ["OpenedPackage", "open_package", "package_digest"]

_JWE_FIELDS = frozenset({"protected", "encrypted_key", "iv", "ciphertext", "tag"})


@dataclass(frozen=True)
class OpenedPackage:
    """A package that passed every check."""

    manifest: HandoverManifest
    signer: str
    """The signer certificate's thumbprint (``x5t#S256``)."""
    digest: str
    """SHA-256 of the package's bytes, hex: what a receipt acknowledges."""


def package_digest(package: bytes) -> str:
    """The SHA-256 of a package's bytes, hex."""
    return hashlib.sha256(package).hexdigest()


def open_package(package: bytes, keyring: Keyring, now: dt.datetime) -> OpenedPackage:
    """The verified manifest of ``package``.

    Raises:
        PackageRefusedError: a check failed; ``reason`` says which.

    """
    envelope = json_object(package, _JWE_FIELDS)
    identity = _recipient(envelope, keyring)
    verified = verify_jws(_decrypt(envelope, identity), typ=JWS_TYPE, roots=keyring.roots, now=now)
    header, signer = verified.header, verified.signer
    sender = header.get("iss")
    known = keyring.peers.get(sender) if isinstance(sender, str) else None
    if known is None or thumbprint(known) != thumbprint(signer):
        raise PackageRefusedError(Refusal.UNKNOWN_SENDER, thumbprint(signer))
    if header.get("aud") != identity.municipality or header.get("casehub:recipient") != thumbprint(
        identity.certificate
    ):
        raise PackageRefusedError(Refusal.WRONG_RECIPIENT, "signed for another recipient")
    manifest = _manifest(verified.payload)
    if (manifest.from_municipality, manifest.to_municipality, manifest.handover_id) != (
        sender,
        identity.municipality,
        header.get("jti"),
    ):
        raise PackageRefusedError(Refusal.MALFORMED, "the manifest differs from its header")
    for document in manifest.documents:
        if document.data() is None:
            raise PackageRefusedError(
                Refusal.TAMPERED, f"document {document.reference.document_id}"
            )
    return OpenedPackage(manifest, thumbprint(signer), package_digest(package))


def _recipient(envelope: dict[str, Any], keyring: Keyring) -> Identity:
    try:
        header = header_of(envelope["protected"])
    except (ValueError, TypeError):
        raise PackageRefusedError(Refusal.MALFORMED, "protected header") from None
    expected = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "typ": JWE_TYPE}
    if any(header.get(name) != value for name, value in expected.items()):
        raise PackageRefusedError(Refusal.MALFORMED, "header alg, enc or typ")
    audience = header.get("aud")
    identity = keyring.own.get(audience) if isinstance(audience, str) else None
    if identity is None:
        raise PackageRefusedError(Refusal.WRONG_RECIPIENT, "not one of our municipalities")
    if header.get("x5t#S256") != thumbprint(identity.certificate):
        raise PackageRefusedError(Refusal.WRONG_RECIPIENT, "encrypted to another certificate")
    return identity


def _decrypt(envelope: dict[str, Any], identity: Identity) -> bytes:
    try:
        wrapped, iv, ciphertext, tag = (
            from_b64url(envelope[name]) for name in ("encrypted_key", "iv", "ciphertext", "tag")
        )
    except ValueError:
        raise PackageRefusedError(Refusal.MALFORMED, "not base64url") from None
    protected = envelope["protected"]
    try:
        key = identity.key.decrypt(wrapped, OAEP_256)
        return AESGCM(key).decrypt(iv, ciphertext + tag, str(protected).encode("ascii"))
    except (InvalidTag, ValueError):  # ValueError: the wrapped key or the key's length
        raise PackageRefusedError(Refusal.TAMPERED, "decryption") from None


def _manifest(payload: bytes) -> HandoverManifest:
    try:
        return HandoverManifest.model_validate_json(payload)
    except ValueError:  # pydantic's ValidationError is one
        raise PackageRefusedError(Refusal.MALFORMED, "manifest") from None
