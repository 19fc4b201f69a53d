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

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import ValidationError

from adapters.handover.chain import verify_chain
from adapters.handover.jose import OAEP_256, PS256, from_b64url, header_of
from adapters.handover.keys import Identity, Keyring, thumbprint
from adapters.handover.manifest import HandoverManifest
from adapters.handover.refusal import PackageRefusedError, Refusal
from adapters.handover.sealing import JWE_TYPE, JWS_TYPE

__all__ = ["OpenedPackage", "open_package", "package_digest"]

_JWE_FIELDS = frozenset({"protected", "encrypted_key", "iv", "ciphertext", "tag"})
_JWS_FIELDS = frozenset({"protected", "payload", "signature"})


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
    envelope = _object(package, _JWE_FIELDS)
    identity = _recipient(envelope, keyring)
    signed = _decrypt(envelope, identity)
    jws = _object(signed, _JWS_FIELDS)
    header = _header(jws["protected"], alg="PS256", typ=JWS_TYPE)
    chain = _certificates(header.get("x5c"))
    verify_chain(chain, keyring.roots, now)
    _verify_signature(jws, chain[0])
    sender = header.get("iss")
    known = keyring.peers.get(sender) if isinstance(sender, str) else None
    if known is None or thumbprint(known) != thumbprint(chain[0]):
        raise PackageRefusedError(Refusal.UNKNOWN_SENDER, thumbprint(chain[0]))
    if header.get("aud") != identity.municipality or header.get("casehub:recipient") != thumbprint(
        identity.certificate
    ):
        raise PackageRefusedError(Refusal.WRONG_RECIPIENT, "signed for another recipient")
    manifest = _manifest(jws["payload"])
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
    return OpenedPackage(manifest, thumbprint(chain[0]), package_digest(package))


def _object(data: bytes, fields: frozenset[str]) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise PackageRefusedError(Refusal.MALFORMED, "not JSON") from None
    if not isinstance(value, dict) or not fields <= value.keys():
        raise PackageRefusedError(Refusal.MALFORMED, "missing members")
    return value


def _header(encoded: object, **expected: str) -> dict[str, Any]:
    try:
        header = header_of(encoded)
    except (ValueError, TypeError):
        raise PackageRefusedError(Refusal.MALFORMED, "protected header") from None
    for name, value in expected.items():
        if header.get(name) != value:
            raise PackageRefusedError(Refusal.MALFORMED, f"header {name}")
    return header


def _recipient(envelope: dict[str, Any], keyring: Keyring) -> Identity:
    header = _header(envelope["protected"], alg="RSA-OAEP-256", enc="A256GCM", typ=JWE_TYPE)
    identity = keyring.own.get(header.get("aud"))  # type: ignore[arg-type]
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
    try:
        key = identity.key.decrypt(wrapped, OAEP_256)
        return AESGCM(key).decrypt(iv, ciphertext + tag, envelope["protected"].encode("ascii"))
    except (InvalidTag, ValueError):  # ValueError: the wrapped key or the key's length
        raise PackageRefusedError(Refusal.TAMPERED, "decryption") from None


def _certificates(x5c: object) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise PackageRefusedError(Refusal.MALFORMED, "x5c")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c]
    except (binascii.Error, ValueError):
        raise PackageRefusedError(Refusal.MALFORMED, "x5c") from None


def _verify_signature(jws: dict[str, Any], signer: x509.Certificate) -> None:
    public = signer.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise PackageRefusedError(Refusal.MALFORMED, "the signer's key is not RSA")
    try:
        signature = from_b64url(jws["signature"])
        signing_input = f"{jws['protected']}.{jws['payload']}".encode("ascii")
        public.verify(signature, signing_input, PS256, hashes.SHA256())
    except (InvalidSignature, ValueError, UnicodeEncodeError, TypeError):
        raise PackageRefusedError(Refusal.TAMPERED, "signature") from None


def _manifest(payload: object) -> HandoverManifest:
    try:
        return HandoverManifest.model_validate_json(from_b64url(payload))
    except (ValueError, ValidationError):
        raise PackageRefusedError(Refusal.MALFORMED, "manifest") from None
