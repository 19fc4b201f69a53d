"""The session's subject: the hub's pseudonym of the provider's ``iss|sub``, never ``sub`` itself.

A provider's ``sub`` may be anything printable: a NemLog-in URN, an e-mail address, a UPN, a
name. Shown on every page, written into the log and into every audit record's principal
(``operator:<subject>``), it would spread what the provider knows of a person, and a long or
odd one is no operator name an audit record may hold. The session carries instead
HMAC-SHA256 of ``issuer|sub`` under a key derived from the session key file: the same person
has the same pseudonym on every instance and across sign-ins, nobody without the key file can
test a guessed ``sub`` against it, and it is in lowercase letters only (no run of digits in it
can be taken for a CPR number), short enough for ``hub.runtime.audit.operator_principal``.
A new session key file gives every person a new pseudonym.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hub.runtime.pseudonym import pseudonymiser

__all__ = ["SubjectPseudonyms"]


class SubjectPseudonyms:
    """The pseudonym of each provider subject, under one session key."""

    def __init__(self, session_key: bytes) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"casehub login subject v1"
        ).derive(session_key)
        self._pseudonym = pseudonymiser(key)

    def __call__(self, issuer: str, subject: str) -> str:
        """The pseudonym of ``subject`` as ``issuer`` names it."""
        return self._pseudonym(f"{issuer}|{subject}")
