"""Certificates and keys per municipality: who we are, who the others are, whom we trust.

A municipality the hub hands over for has an ``Identity`` (its certificate chain and private
key, from PEM files); every other municipality is a peer, known by its certificate; the
trusted CAs are the roots a signer's chain must end at. Keys are RSA (OCES3/FOCES
certificates are RSA): PS256 signatures and RSA-OAEP-256 key wrap.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "Identity",
    "KeyFileError",
    "Keyring",
    "load_certificates",
    "load_identity",
    "thumbprint",
]


class KeyFileError(ValueError):
    """A certificate or key file of the handover settings cannot be used."""


@dataclass(frozen=True)
class Identity:
    """A municipality we act for: its certificate chain (leaf first) and its private key."""

    municipality: str
    chain: tuple[x509.Certificate, ...]
    key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def certificate(self) -> x509.Certificate:
        """The municipality's own certificate, the chain's first."""
        return self.chain[0]


@dataclass(frozen=True)
class Keyring:
    """Everything a hub needs to seal and open packages."""

    own: dict[str, Identity]
    """By kommunekode: the municipalities this hub serves."""
    peers: dict[str, x509.Certificate]
    """By kommunekode: the other municipalities' certificates."""
    roots: tuple[x509.Certificate, ...]
    """The CAs a signer's chain must end at."""


def thumbprint(certificate: x509.Certificate) -> str:
    """The certificate's SHA-256 thumbprint, base64url without padding (JOSE ``x5t#S256``)."""
    digest = certificate.fingerprint(hashes.SHA256())
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def load_certificates(path: Path) -> tuple[x509.Certificate, ...]:
    """The PEM certificates in ``path``, in file order; at least one.

    Raises:
        KeyFileError: the file cannot be read or holds no PEM certificate.

    """
    try:
        certificates = tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except (OSError, ValueError):
        msg = f"handover: {path} cannot be read as PEM certificates"
        raise KeyFileError(msg) from None
    return certificates


def load_identity(municipality: str, certificate_file: Path, key_file: Path) -> Identity:
    """The identity from a PEM chain (leaf first) and an unencrypted PEM RSA key.

    Raises:
        KeyFileError: a file cannot be used, the key is not RSA or not the certificate's.

    """
    chain = load_certificates(certificate_file)
    try:
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):  # TypeError: the key is encrypted
        msg = f"handover: {key_file} is not an unencrypted PEM private key"
        raise KeyFileError(msg) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        msg = f"handover: {key_file} is not an RSA key"
        raise KeyFileError(msg)
    if key.public_key().public_numbers() != chain[0].public_key().public_numbers():  # type: ignore[union-attr]
        msg = f"handover: {key_file} is not the key of {certificate_file}"
        raise KeyFileError(msg)
    return Identity(municipality, chain, key)
