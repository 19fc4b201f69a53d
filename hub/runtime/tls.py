"""Mutual TLS for clients of national services: an ``ssl.SSLContext`` from certificate files.

A file that cannot be used ends in ``TlsFileError``: one line naming the setting
(``cert_file``, ``key_file``, ``ca_file``), the file and what is wrong with it, which the
``casehub run`` command prints instead of a traceback.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import NoReturn

from cryptography import x509
from cryptography.hazmat.primitives import serialization

__all__ = ["TlsFileError", "client_ssl_context"]


class TlsFileError(ValueError):
    """A certificate, key or CA file of the settings cannot be used."""


def client_ssl_context(
    cert_file: Path | str, key_file: Path | str, ca_file: Path | str | None = None
) -> ssl.SSLContext:
    """A client context presenting ``cert_file`` (with ``key_file``) and trusting ``ca_file``.

    Without ``ca_file`` the system's trust store is used. TLS 1.2 is the floor; the server's
    certificate and host name are always verified. Pass the context to httpx as ``verify=``.

    Raises:
        TlsFileError: a file is missing, unreadable, not PEM, or the key is not the
            certificate's.

    """
    cert = _read("cert_file", cert_file)
    key = _read("key_file", key_file)
    try:
        x509.load_pem_x509_certificate(cert)
    except ValueError:
        _fail("cert_file", cert_file, "is not a PEM certificate")
    try:
        serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError):  # TypeError: the key is encrypted
        _fail("key_file", key_file, "is not an unencrypted PEM private key")
    try:
        context = ssl.create_default_context(
            ssl.Purpose.SERVER_AUTH, cafile=None if ca_file is None else str(ca_file)
        )
    except (OSError, ssl.SSLError):
        _fail("ca_file", ca_file, "cannot be read as a PEM CA bundle")
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile=str(cert_file), keyfile=str(key_file))
    except ssl.SSLError:
        _fail("key_file", key_file, f"is not the key of cert_file {cert_file}")
    return context


def _read(setting: str, path: Path | str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        _fail(setting, path, f"cannot be read ({why})")


def _fail(setting: str, path: Path | str | None, problem: str) -> NoReturn:
    msg = f"TLS setting {setting}: {path} {problem}"
    raise TlsFileError(msg) from None
