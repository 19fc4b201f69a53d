"""A JWS (RFC 7515, flattened JSON, PS256) signed by a municipality, with its chain in ``x5c``.

The package's inner layer and the receipt are both one of these. ``verify_jws`` checks the
chain to a trusted CA (``adapters.handover.chain``) and the signature; who the signer must
be is the caller's to check against ``signer``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.handover.chain import verify_chain
from adapters.handover.jose import PS256, b64url, from_b64url, header_of, json_bytes
from adapters.handover.keys import Identity
from adapters.handover.refusal import PackageRefusedError, Refusal

__all__ = ["Verified", "json_object", "sign_jws", "verify_jws"]

_JWS_FIELDS = frozenset({"protected", "payload", "signature"})


@dataclass(frozen=True)
class Verified:
    """A JWS whose chain and signature hold."""

    header: dict[str, Any]
    payload: bytes
    signer: x509.Certificate


def sign_jws(payload: bytes, signer: Identity, header: dict[str, Any]) -> bytes:
    """The JWS of ``payload`` signed by ``signer``; ``header`` joins ``alg`` and ``x5c``."""
    chain = [
        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")
        for c in signer.chain
    ]
    protected = b64url(json_bytes(header | {"alg": "PS256", "x5c": chain}))
    body = b64url(payload)
    signature = signer.key.sign(f"{protected}.{body}".encode("ascii"), PS256, hashes.SHA256())
    return json_bytes({"protected": protected, "payload": body, "signature": b64url(signature)})


def verify_jws(
    data: bytes, *, typ: str, roots: Sequence[x509.Certificate], now: dt.datetime
) -> Verified:
    """The header and payload of the JWS ``data`` once its chain and signature hold.

    Raises:
        PackageRefusedError: ``MALFORMED``, a chain's reason, or ``TAMPERED`` (signature).

    """
    jws = json_object(data, _JWS_FIELDS)
    header = _header(jws["protected"], typ)
    chain = _certificates(header.get("x5c"))
    verify_chain(chain, roots, now)
    public = chain[0].public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise PackageRefusedError(Refusal.MALFORMED, "the signer's key is not RSA")
    try:
        signature = from_b64url(jws["signature"])
        signing_input = f"{jws['protected']}.{jws['payload']}".encode("ascii")
        public.verify(signature, signing_input, PS256, hashes.SHA256())
        payload = from_b64url(jws["payload"])
    except (InvalidSignature, ValueError, UnicodeEncodeError, TypeError, AttributeError):
        raise PackageRefusedError(Refusal.TAMPERED, "signature") from None
    return Verified(header, payload, chain[0])


def json_object(data: bytes, fields: frozenset[str]) -> dict[str, Any]:
    """``data`` as a JSON object with at least ``fields``.

    Raises:
        PackageRefusedError: ``MALFORMED``.

    """
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise PackageRefusedError(Refusal.MALFORMED, "not JSON") from None
    if not isinstance(value, dict) or not fields <= value.keys():
        raise PackageRefusedError(Refusal.MALFORMED, "missing members")
    return value


def _header(encoded: object, typ: str) -> dict[str, Any]:
    try:
        header = header_of(encoded)
    except (ValueError, TypeError):
        raise PackageRefusedError(Refusal.MALFORMED, "protected header") from None
    if header.get("alg") != "PS256" or header.get("typ") != typ:
        raise PackageRefusedError(Refusal.MALFORMED, "header alg or typ")
    return header


def _certificates(x5c: object) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise PackageRefusedError(Refusal.MALFORMED, "x5c")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c]
    except (binascii.Error, ValueError):
        raise PackageRefusedError(Refusal.MALFORMED, "x5c") from None
