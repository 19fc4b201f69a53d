"""A test PKI made by the tests: a CA, certificates per municipality, and their PEM files.

An identity's files are written as the demo writes them (``demopki.write_identity``).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from adapters.handover.keys import Identity

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)


@functools.cache
def _key(slot: int) -> rsa.RSAPrivateKey:
    # Key generation is the slow part; a few keys serve every test (slot, not identity).
    del slot
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Authority:
    """A CA: its certificate and key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    def issue(
        self,
        name: str,
        *,
        slot: int,
        ca: bool = False,
        not_before: dt.datetime = NOW - YEAR,
        not_after: dt.datetime = NOW + YEAR,
    ) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        key = _key(slot)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        return certificate, key

    def identity(
        self,
        municipality: str,
        *,
        slot: int,
        not_before: dt.datetime = NOW - YEAR,
        not_after: dt.datetime = NOW + YEAR,
    ) -> Identity:
        certificate, key = self.issue(
            f"Kommune {municipality}", slot=slot, not_before=not_before, not_after=not_after
        )
        return Identity(municipality, (certificate,), key)


def authority(name: str, *, slot: int) -> Authority:
    key = _key(slot)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - 5 * YEAR)
        .not_valid_after(NOW + 5 * YEAR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(certificate, key)


def write_certificate(certificate: x509.Certificate, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path
