"""Mutual TLS for clients of national services: an ``ssl.SSLContext`` from certificate files."""

from __future__ import annotations

import ssl
from pathlib import Path

__all__ = ["client_ssl_context"]


def client_ssl_context(
    cert_file: Path | str, key_file: Path | str, ca_file: Path | str | None = None
) -> ssl.SSLContext:
    """A client context presenting ``cert_file`` (with ``key_file``) and trusting ``ca_file``.

    Without ``ca_file`` the system's trust store is used. TLS 1.2 is the floor; the server's
    certificate and host name are always verified. Pass the context to httpx as ``verify=``.
    """
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=None if ca_file is None else str(ca_file)
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(cert_file), keyfile=str(key_file))
    return context
