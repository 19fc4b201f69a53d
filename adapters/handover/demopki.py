"""A throw-away PKI for the stand-in and the demo: a CA and certificates, never for production.

Made with ``cryptography`` when asked (RSA 2048, one year), written as PEM files into a
folder the caller owns, in the shape ``HandoverSettings`` reads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from adapters.handover.keys import Identity

__all__ = ["DemoCa", "write_identity"]

_VALID = dt.timedelta(days=365)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "casehub demo (not a real CA)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class DemoCa:
    """A self-signed CA that issues one certificate per municipality."""

    def __init__(self, now: dt.datetime) -> None:
        self._now = now
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.certificate = self._builder(_name("casehub demo CA"), self.key, ca=True).sign(
            self.key, hashes.SHA256()
        )

    def identity(self, municipality: str, key: rsa.RSAPrivateKey | None = None) -> Identity:
        """A certificate for ``municipality`` (with ``key``, or a new one)."""
        key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        certificate = self._builder(_name(f"Kommune {municipality}"), key, ca=False).sign(
            self.key, hashes.SHA256()
        )
        return Identity(municipality, (certificate,), key)

    def _builder(
        self, subject: x509.Name, key: rsa.RSAPrivateKey, *, ca: bool
    ) -> x509.CertificateBuilder:
        issuer = subject if ca else self.certificate.subject
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - dt.timedelta(days=1))
            .not_valid_after(self._now + _VALID)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )

    def write(self, folder: Path) -> Path:
        """The CA's certificate as a PEM file in ``folder``."""
        path = folder / "ca.crt"
        path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        return path


def write_identity(identity: Identity, folder: Path) -> tuple[Path, Path]:
    """The identity's chain and key as PEM files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate_file = folder / f"{identity.municipality}.crt"
    key_file = folder / f"{identity.municipality}.key"
    certificate_file.write_bytes(
        b"".join(c.public_bytes(serialization.Encoding.PEM) for c in identity.chain)
    )
    key_file.write_bytes(
        identity.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return certificate_file, key_file
