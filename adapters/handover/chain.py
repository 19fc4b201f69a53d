"""Check that a signer's certificate chain ends at a CA we trust and is valid now.

The chain is the JOSE ``x5c``: the signer's certificate first, then intermediates. Each
certificate must be issued (signature checked) by the next or by a trusted root, every
issuer must be a CA, and every certificate, the root's included, must be within its validity
period at the time of checking. The path is found first: an untrusted certificate's dates
mean nothing, so it is ``UNKNOWN_CA`` whatever they say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from adapters.handover.refusal import PackageRefusedError, Refusal

__all__ = ["verify_chain"]

_MAX_DEPTH = 6


def verify_chain(
    chain: Sequence[x509.Certificate], roots: Sequence[x509.Certificate], at: dt.datetime
) -> None:
    """Return when ``chain`` leads to one of ``roots`` and every certificate is valid ``at``.

    Raises:
        PackageRefusedError: ``UNKNOWN_CA``, ``CERTIFICATE_EXPIRED`` or
            ``CERTIFICATE_NOT_YET_VALID``.

    """
    path = _path(chain, roots)
    for certificate in path:
        if at > certificate.not_valid_after_utc:
            raise PackageRefusedError(Refusal.CERTIFICATE_EXPIRED)
        if at < certificate.not_valid_before_utc:
            raise PackageRefusedError(Refusal.CERTIFICATE_NOT_YET_VALID)


def _path(
    chain: Sequence[x509.Certificate], roots: Sequence[x509.Certificate]
) -> list[x509.Certificate]:
    if not chain:
        raise PackageRefusedError(Refusal.MALFORMED, "no signer certificate")
    path = [chain[0]]
    intermediates = list(chain[1:])
    while len(path) <= _MAX_DEPTH:
        current = path[-1]
        root = _issuer_among(current, roots)
        if root is not None:
            return [*path, root]
        issuer = _issuer_among(current, intermediates)
        if issuer is None:
            break
        intermediates.remove(issuer)
        path.append(issuer)
    raise PackageRefusedError(Refusal.UNKNOWN_CA)


def _issuer_among(
    certificate: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    for candidate in candidates:
        if candidate.subject != certificate.issuer or not _is_ca(candidate):
            continue
        try:
            certificate.verify_directly_issued_by(candidate)
        except (InvalidSignature, ValueError, TypeError):
            continue
        return candidate
    return None


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca
