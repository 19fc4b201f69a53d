"""Seal a manifest: signed by the sending municipality (JWS), encrypted to the receiver (JWE).

Sign, then encrypt. The JWS (flattened JSON, PS256) signs the manifest's JSON; its protected
header carries the signer's chain (``x5c``), the sender (``iss``), the receiving municipality
(``aud``) and the receiver's certificate thumbprint (``casehub:recipient``), so a package
cannot be re-encrypted to someone the sender did not mean. The JWE (flattened JSON,
RSA-OAEP-256 + A256GCM) encrypts the JWS under a fresh 256-bit key wrapped with the
receiver's public key; its protected header names the receiver's certificate (``x5t#S256``).
"""

from __future__ import annotations

import json
import os

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.handover.jose import OAEP_256, b64url, json_bytes
from adapters.handover.jws import sign_jws
from adapters.handover.keys import Identity, thumbprint
from adapters.handover.manifest import FORMAT, HandoverManifest

__all__ = ["JWE_TYPE", "JWS_TYPE", "encrypt", "seal", "sign"]

JWS_TYPE = "casehub-handover+jws"
JWE_TYPE = "casehub-handover+jwe"


def seal(manifest: HandoverManifest, sender: Identity, recipient: x509.Certificate) -> bytes:
    """The package's bytes: ``manifest`` signed by ``sender``, encrypted for ``recipient``.

    Raises:
        ValueError: the manifest is not the sender's municipality's.
        TypeError: the recipient's certificate has no RSA key.

    """
    if manifest.from_municipality != sender.municipality:
        msg = "a municipality seals only its own handovers"
        raise ValueError(msg)
    return encrypt(sign(manifest, sender, recipient), recipient, manifest.to_municipality)


def sign(manifest: HandoverManifest, sender: Identity, recipient: x509.Certificate) -> bytes:
    """The JWS (flattened JSON) of ``manifest``, signed by ``sender``, meant for ``recipient``."""
    header = {
        "typ": JWS_TYPE,
        "cty": FORMAT,
        "iss": manifest.from_municipality,
        "aud": manifest.to_municipality,
        "jti": manifest.handover_id,
        "casehub:recipient": thumbprint(recipient),
    }
    return sign_jws(manifest.model_dump_json().encode(), sender, header)


def encrypt(plaintext: bytes, recipient: x509.Certificate, audience: str) -> bytes:
    """The JWE (flattened JSON) of ``plaintext`` for ``recipient``, of ``audience``.

    Raises:
        TypeError: the recipient's certificate has no RSA key.

    """
    public = recipient.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        msg = "the recipient's certificate has no RSA key"
        raise TypeError(msg)
    header = {
        "alg": "RSA-OAEP-256",
        "enc": "A256GCM",
        "typ": JWE_TYPE,
        "cty": JWS_TYPE,
        "aud": audience,
        "x5t#S256": thumbprint(recipient),
    }
    protected = b64url(json_bytes(header))
    key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, plaintext, protected.encode("ascii"))
    return json.dumps(
        {
            "protected": protected,
            "encrypted_key": b64url(public.encrypt(key, OAEP_256)),
            "iv": b64url(iv),
            "ciphertext": b64url(sealed[:-16]),
            "tag": b64url(sealed[-16:]),
        },
        separators=(",", ":"),
    ).encode()
